# The installed package from a user's side: installs the build BUILD into a scratch
# prefix, configures and builds examples/consumer (SOURCE) against it, runs its
# tests (the correct Adam passes, the buggy one is expected to fail), then runs the
# buggy Adam's test directly and checks that its failure names the worst element.
set(prefix ${WORK}/prefix)
set(build ${WORK}/build)
file(REMOVE_RECURSE ${WORK})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
set(configure ${CMAKE_COMMAND} -S ${SOURCE} -B ${build} -G ${GENERATOR} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX})
# The build's own flags (the asan preset's sanitizers) apply to the consumer too.
list(APPEND configure "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
if(LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
run("configuring the consumer" ${configure})
run("building the consumer" ${CMAKE_COMMAND} --build ${build} -j2)
run("the consumer's tests" ${CTEST} --test-dir ${build} --output-on-failure)

execute_process(COMMAND ${build}/adam_test --gtest_filter=BuggyAdam.* RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "the buggy Adam passed:\n${out}")
endif()
set(expected "worst element [a-z_]+\\[[0-9]+\\] is [^\n]* ULP of float32 from the exact value; the bound is [^\n]* ULP")
if(NOT out MATCHES "${expected}")
  message(FATAL_ERROR "the buggy Adam's failure does not name the worst element (expected /${expected}/):\n${out}")
endif()
message(STATUS "the buggy Adam failed as expected:\n${out}")
