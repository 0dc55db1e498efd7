# cmake -DGRADREF=<exe> -DDATA=<dir> -P check_explain.cmake
# gradref verify --explain on an Adam candidate with TensorFlow's epsilon-hat
# against a golden file made under the pytorch preset: the text and the JSON name
# the tensorflow preset as what it matches, and not pytorch; a candidate that
# passes has nothing to explain.
set(golden ${DATA}/adam_pytorch.float32.json)

execute_process(COMMAND ${GRADREF} verify ${golden} ${DATA}/adam_tensorflow.candidate.json --explain
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err STREQUAL "")
  message(FATAL_ERROR "verify --explain: exit code ${rc} (expected 1), stderr: ${err}\n${out}")
endif()
string(REGEX MATCH "it matches:\n  preset tensorflow: eps_placement = eps_hat \\(golden: outside\\)\n" matched "${out}")
if(NOT matched)
  message(FATAL_ERROR "verify --explain does not say the candidate matches preset tensorflow:\n${out}")
endif()
string(REGEX MATCH "it matches:\n[^N]*preset pytorch" pytorch "${out}")
if(pytorch)
  message(FATAL_ERROR "verify --explain says the candidate matches preset pytorch:\n${out}")
endif()

execute_process(COMMAND ${GRADREF} verify ${golden} ${DATA}/adam_tensorflow.candidate.json --explain --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err STREQUAL "")
  message(FATAL_ERROR "verify --explain --json: exit code ${rc} (expected 1), stderr: ${err}\n${out}")
endif()
string(JSON matching GET "${out}" suites 0 explain matching)
if(NOT matching STREQUAL "[ \"preset tensorflow\" ]")
  message(FATAL_ERROR "verify --explain --json: matching is ${matching}, expected [\"preset tensorflow\"]\n${out}")
endif()
string(JSON count LENGTH "${out}" suites 0 explain alternatives)
if(count LESS 10)
  message(FATAL_ERROR "verify --explain --json lists ${count} alternatives; Adam has more than 10\n${out}")
endif()

execute_process(COMMAND ${GRADREF} verify ${golden} ${DATA}/adam_pytorch.candidate.json --explain
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "nothing to explain")
  message(FATAL_ERROR "verify --explain on a passing candidate: exit code ${rc}, expected 0 and nothing to explain\n${out}")
endif()
