# ctest entries for the runtime's fuzzers (RuntimeFuzzers.cmake), included from
# FuzzTests.cmake, whose fuzz-build fixture builds them into build/fuzz/.
#
#   fuzz-arrays-short, fuzz-weights-short, fuzz-program-short
#       a fixed run count (seed 1) on the seed corpus, seconds each (label fuzz)
#   fuzz-arrays-long, fuzz-weights-long, fuzz-program-long
#       35 min each, on request: ctest -L fuzz-long
set(STRATA_RUN_RUNTIME_FUZZER ${CMAKE_CURRENT_LIST_DIR}/run-runtime-fuzzer.sh)

foreach(target arrays weights program)
  set(fuzzer ${STRATA_FUZZ_BINARY_DIR}/strata-${target}-fuzzer)
  # The arrays fuzzer runs fastest; the others load models or map weights.
  if(target STREQUAL "arrays")
    set(runs 20000)
  else()
    set(runs 5000)
  endif()
  add_test(NAME fuzz-${target}-short
    COMMAND ${STRATA_RUN_RUNTIME_FUZZER} ${fuzzer} 120
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz-${target}-short ${target} -seed=1 -runs=${runs})
  set_tests_properties(fuzz-${target}-short PROPERTIES
    FIXTURES_REQUIRED strata-fuzzer LABELS fuzz TIMEOUT 600)
  add_test(NAME fuzz-${target}-long
    COMMAND ${STRATA_RUN_RUNTIME_FUZZER} ${fuzzer} 2100
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz-${target}-long ${target})
  set_tests_properties(fuzz-${target}-long PROPERTIES
    FIXTURES_REQUIRED strata-fuzzer LABELS fuzz-long TIMEOUT 2700)
endforeach()
