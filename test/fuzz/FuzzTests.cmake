# ctest entries for the importer fuzzer, included from test/CMakeLists.txt. The
# fuzzer is its own project (test/fuzz/CMakeLists.txt, clang with libFuzzer and
# ASan); the fuzz-build fixture configures and builds it into build/fuzz/ when a
# fuzz test runs, so the main build never compiles it.
#
#   fuzz-import-short  15,000 runs (seed 1) on the seed corpus, in CI (label fuzz)
#   fuzz-import-long   35 min, on request: ctest -L fuzz-long
set(STRATA_FUZZ_BINARY_DIR ${STRATA_BINARY_DIR}/fuzz)
set(STRATA_FUZZER ${STRATA_FUZZ_BINARY_DIR}/strata-import-fuzzer)
set(STRATA_RUN_FUZZER ${CMAKE_CURRENT_LIST_DIR}/run-fuzzer.sh)

add_test(NAME fuzz-build
  COMMAND sh -c "\"${CMAKE_COMMAND}\" -S \"${CMAKE_CURRENT_LIST_DIR}\" \
-B \"${STRATA_FUZZ_BINARY_DIR}\" -G \"${CMAKE_GENERATOR}\" \
-DSTRATA_BINARY_DIR=\"${STRATA_BINARY_DIR}\" > /dev/null && \
\"${CMAKE_COMMAND}\" --build \"${STRATA_FUZZ_BINARY_DIR}\" -j 2")
set_tests_properties(fuzz-build PROPERTIES
  FIXTURES_SETUP strata-fuzzer LABELS fuzz PROCESSORS 2 TIMEOUT 1800)

# A fixed seed and run count keep the CI run reproducible; the time limit only
# caps a slow machine.
add_test(NAME fuzz-import-short
  COMMAND ${STRATA_RUN_FUZZER} ${STRATA_FUZZER} 120
          ${CMAKE_CURRENT_BINARY_DIR}/fuzz-import-short -seed=1 -runs=15000)
set_tests_properties(fuzz-import-short PROPERTIES
  FIXTURES_REQUIRED strata-fuzzer LABELS fuzz TIMEOUT 600)

add_test(NAME fuzz-import-long
  COMMAND ${STRATA_RUN_FUZZER} ${STRATA_FUZZER} 2100
          ${CMAKE_CURRENT_BINARY_DIR}/fuzz-import-long)
set_tests_properties(fuzz-import-long PROPERTIES
  FIXTURES_REQUIRED strata-fuzzer LABELS fuzz-long TIMEOUT 2700)

# The runtime's fuzzers.
include(${CMAKE_CURRENT_LIST_DIR}/RuntimeFuzzTests.cmake)
