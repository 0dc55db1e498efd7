# The test peers.libtorch: libtorch's C++ API checked against gradref.
#
#   cmake -DGRADREF=gradref -DCHECK=gradref_libtorch_check -DWORK=dir [-DCOUNT=40] [-DSEED=7]
#         -P examples/libtorch/check.cmake
#
# 1. `gradref golden` draws COUNT cases of every optimizer and loss libtorch shares
#    with gradref, in float32 and float64, under the pytorch preset, with the spec
#    fields libtorch's C++ API has no argument for fixed to its behaviour (--spec).
# 2. gradref_libtorch_check runs libtorch on them and writes NAME.candidate.json;
#    it checks every element exactly and fails (exit 1) on any element beyond its
#    bound that no expected discrepancy (discrepancies.cpp) explains.
# 3. `gradref verify` must pass every NAME.candidate.explained.json (libtorch's
#    outputs less those the discrepancies explain): verify confirms the check.
# 4. `gradref verify` on the full candidates must fail exactly on the files where
#    discrepancies were expected: they are real, and verify sees them too. Its
#    report is left in WORK/verify.txt (docs/validation.md quotes it).
cmake_minimum_required(VERSION 3.25)
foreach(var GRADREF CHECK WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED COUNT)
  set(COUNT 40)
endif()
if(NOT DEFINED SEED)
  set(SEED 7)
endif()

# NAME|OP|PRESET|SPEC: fields the pytorch preset leaves to the generator but libtorch
# 1.13's C++ API fixes (no maximize, no eps_root, always bias-corrected, ...).
set(runs
  "sgd|sgd|pytorch|{\"maximize\":false}"
  "sgd_momentum|sgd|pytorch|{\"momentum\":0.9,\"maximize\":false}"
  "adam|adam|pytorch|{\"eps_root\":0,\"bias_correction\":true,\"maximize\":false}"
  "adamw|adamw|pytorch|{\"eps_root\":0,\"bias_correction\":true,\"maximize\":false,\"schedule_multiplier\":1,\"coupled_weight_decay\":0}"
  "adagrad|adagrad|pytorch|{\"maximize\":false}"
  "rmsprop|rmsprop|pytorch|{\"nesterov\":false,\"bias_correction\":false,\"maximize\":false}"
  "mse|mse|pytorch|"
  "l1|l1|pytorch|"
  "huber|huber|pytorch|"
  "bce|bce|pytorch|"
  "bce_with_logits|bce_with_logits|pytorch|"
  "nll|nll|pytorch|"
  "cross_entropy|cross_entropy|pytorch|"
  "cross_entropy_probabilities|cross_entropy|pytorch|{\"target_type\":\"probabilities\"}"
  "kl_divergence|kl_divergence|pytorch|"
  "kl_divergence_log_target|kl_divergence|pytorch_log_target|"
  "gaussian_nll|gaussian_nll|pytorch|")

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(pairs)
set(explained_pairs)
foreach(run IN LISTS runs)
  string(REPLACE "|" ";" fields "${run}")
  list(GET fields 0 name)
  list(GET fields 1 op)
  list(GET fields 2 preset)
  list(LENGTH fields n)
  set(spec_args)
  if(n GREATER 3)
    list(GET fields 3 spec)
    if(NOT spec STREQUAL "")
      set(spec_args --spec "${spec}")
    endif()
  endif()
  foreach(dtype float32 float64)
    set(base "${WORK}/${name}.${dtype}")
    execute_process(COMMAND "${GRADREF}" golden --op ${op} --preset ${preset} ${spec_args} --dtype ${dtype}
                            --count ${COUNT} --seed ${SEED} -o "${base}.golden.json"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "gradref golden failed for ${name} ${dtype}: ${out}")
    endif()
    list(APPEND pairs "${base}.golden.json" "${base}.candidate.json")
    list(APPEND explained_pairs "${base}.golden.json" "${base}.candidate.explained.json")
  endforeach()
endforeach()

execute_process(COMMAND "${CHECK}" ${pairs} RESULT_VARIABLE rc OUTPUT_VARIABLE table ERROR_VARIABLE unexplained)
message(STATUS "libtorch against gradref (exact check, ${COUNT} cases per file, seed ${SEED}):\n${table}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gradref_libtorch_check: failures no expected discrepancy explains (exit ${rc}):\n"
                      "${unexplained}")
endif()

# The check compares final outputs, so verify compares them the same way (free).
execute_process(COMMAND "${GRADREF}" verify --trajectory free --report "${WORK}/explained.junit.xml" ${explained_pairs}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gradref verify fails libtorch's outputs once the expected discrepancies are left out "
                      "(exit ${rc}):\n${out}${err}")
endif()

# Files with expected discrepancies are those whose summary line names one.
string(REPLACE "\n" ";" lines "${table}")
set(expected_files)
foreach(line IN LISTS lines)
  if(line MATCHES "^([a-z_0-9]+\\.float(32|64)) .*expected: ")
    list(APPEND expected_files "${CMAKE_MATCH_1}")
  endif()
endforeach()
set(report)
list(LENGTH pairs count)
math(EXPR last "${count} - 1")
foreach(k RANGE 0 ${last} 2)
  math(EXPR next "${k} + 1")
  list(GET pairs ${k} golden)
  list(GET pairs ${next} candidate)
  get_filename_component(label "${golden}" NAME)
  string(REPLACE ".golden.json" "" label "${label}")
  execute_process(COMMAND "${GRADREF}" verify --trajectory free "${golden}" "${candidate}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(APPEND report "${out}")
  list(FIND expected_files "${label}" at)
  if(at EQUAL -1 AND NOT rc EQUAL 0)
    message(FATAL_ERROR "gradref verify fails ${label}, where no discrepancy is expected (exit ${rc}):\n${out}${err}")
  elseif(NOT at EQUAL -1 AND NOT rc EQUAL 1)
    message(FATAL_ERROR "gradref verify passes ${label}, where the check expected discrepancies (exit ${rc}):\n${out}${err}")
  endif()
endforeach()
file(WRITE "${WORK}/verify.txt" "${report}")
