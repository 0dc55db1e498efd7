# cmake -DGRADREF=<exe> -DDATA=<examples/data> -P check_train.cmake
# The bundled autoregressive training run (docs/models/training.md): exit code 0, one
# progress line per epoch on stderr, and a JSON result that stopped early (patience,
# before max_epochs) at a best epoch > 0 whose validation log-likelihood beats epoch 0's.
execute_process(COMMAND ${GRADREF} train --train ${DATA}/binary_train.json --validation ${DATA}/binary_validation.json
                        --batch-size 8 --lr 0.5 --seed 1 --patience 5 --max-epochs 100
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gradref train: exit code ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
string(JSON reason GET "${out}" stop reason)
string(JSON epochs GET "${out}" stop epochs)
string(JSON best_epoch GET "${out}" best epoch)
string(JSON best GET "${out}" best validation_log_likelihood)
string(JSON initial GET "${out}" history 0 validation_log_likelihood)
string(REGEX MATCHALL "epoch [0-9]+: train LL" lines "${err}")
list(LENGTH lines progress_lines)
math(EXPR expected_lines "${epochs} + 1")
if(NOT reason STREQUAL "patience" OR NOT epochs LESS 100 OR NOT best_epoch GREATER 0)
  message(FATAL_ERROR "gradref train did not stop early: stop ${reason} after ${epochs} epochs, best epoch ${best_epoch}")
endif()
if(NOT progress_lines EQUAL expected_lines)
  message(FATAL_ERROR "gradref train: ${progress_lines} progress lines for epochs 0..${epochs}\n${err}")
endif()
# if() compares real numbers as C doubles.
if(NOT best GREATER initial)
  message(FATAL_ERROR "gradref train: best validation log-likelihood ${best} does not improve on the initial ${initial}")
endif()
