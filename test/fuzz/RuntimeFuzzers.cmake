# The runtime's fuzzers, included from test/fuzz/CMakeLists.txt (same project:
# clang, libFuzzer, ASan): the .npy/.npz readers, the weights-file loader and
# an emitted program's input checking. They compile the runtime (without the
# program's main) instrumented; the program fuzzer also links two test models
# compiled by the main build's stratac. Their ctest entries are in
# RuntimeFuzzTests.cmake.

# The runtime's sources, the CPU device's and the tiers' included, without the
# program's main (runtime/main).
find_path(STRATA_CBLAS_INCLUDE_DIR cblas.h REQUIRED
          PATHS /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/openblas
          NO_DEFAULT_PATH)
find_library(STRATA_OPENBLAS_LIBRARY openblas REQUIRED)
find_library(STRATA_DNNL_LIBRARY dnnl REQUIRED)
find_library(STRATA_GOMP_LIBRARY NAMES gomp libgomp.so.1 REQUIRED)
find_path(STRATA_LIBURING_INCLUDE_DIR liburing.h REQUIRED)
find_library(STRATA_LIBURING_LIBRARY uring REQUIRED)
find_package(Threads REQUIRED)
file(GLOB runtime_sources CONFIGURE_DEPENDS
  ${STRATA_SOURCE_DIR}/runtime/core/*.cpp
  ${STRATA_SOURCE_DIR}/runtime/tiers/*.cpp
  ${STRATA_SOURCE_DIR}/runtime/device/cpu/*.cpp)
add_library(StrataRuntimeInstrumented STATIC ${runtime_sources})
target_compile_options(StrataRuntimeInstrumented PUBLIC ${sanitize}
                       PRIVATE -fsanitize=fuzzer-no-link -fno-exceptions -fno-rtti)
target_include_directories(StrataRuntimeInstrumented
  PUBLIC ${STRATA_SOURCE_DIR}/include ${STRATA_SOURCE_DIR}
  PRIVATE ${STRATA_CBLAS_INCLUDE_DIR} ${STRATA_LIBURING_INCLUDE_DIR})
target_link_libraries(StrataRuntimeInstrumented PUBLIC ${STRATA_LIBURING_LIBRARY}
  ${STRATA_OPENBLAS_LIBRARY} ${STRATA_DNNL_LIBRARY} ${STRATA_GOMP_LIBRARY} Threads::Threads)

# The .npy/.npz readers and the weights loader.
add_executable(strata-arrays-fuzzer ArraysFuzzer.cpp)
add_executable(strata-weights-fuzzer WeightsFuzzer.cpp)
foreach(fuzzer strata-arrays-fuzzer strata-weights-fuzzer)
  target_compile_options(${fuzzer} PRIVATE -fsanitize=fuzzer)
  target_link_options(${fuzzer} PRIVATE -fsanitize=fuzzer,address)
  target_link_libraries(${fuzzer} PRIVATE StrataRuntimeInstrumented)
endforeach()

# The program fuzzer's models: compiled by the main build's stratac with
# small bounds (so that runs are fast and the bounds are checked), their
# compiled code and generated description kept (capture-program.sh) and every
# symbol they define prefixed with the model's name (rename-program.sh), so
# that both link into one program.
set(STRATAC ${STRATA_BINARY_DIR}/bin/stratac)
set(program_models bert gpt)
set(bert_onnx ${STRATA_SOURCE_DIR}/test/models/bert/bert_ts17.onnx)
set(bert_options --max-shape batch=2,sequence=16)
set(gpt_onnx ${STRATA_SOURCE_DIR}/test/models/gpt2/gpt2_kv_ts17.onnx)
set(gpt_options --max-shape batch=2,sequence=16,past_sequence=32,total_sequence=48)
set(program_sources ProgramFuzzer.cpp)
set(program_objects)
foreach(model ${program_models})
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${model})
  add_custom_command(
    OUTPUT ${dir}/model.o ${dir}/model.cpp ${dir}/model.weights ${dir}/rename.h
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/capture-program.sh ${STRATAC} ${${model}_onnx} ${dir}
            ${${model}_options}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/rename-program.sh ${dir} strata_${model}_
    DEPENDS ${STRATAC} ${${model}_onnx} ${CMAKE_CURRENT_SOURCE_DIR}/capture-program.sh
            ${CMAKE_CURRENT_SOURCE_DIR}/rename-program.sh
    COMMENT "Compiling the ${model} test model for the program fuzzer")
  set_source_files_properties(${dir}/model.cpp PROPERTIES
    GENERATED TRUE COMPILE_OPTIONS "-include;${dir}/rename.h"
    OBJECT_DEPENDS ${dir}/rename.h)
  set_source_files_properties(${dir}/model.o PROPERTIES GENERATED TRUE EXTERNAL_OBJECT TRUE)
  list(APPEND program_sources ${dir}/model.cpp)
  list(APPEND program_objects ${dir}/model.o)
endforeach()
add_executable(strata-program-fuzzer ${program_sources} ${program_objects})
set_source_files_properties(ProgramFuzzer.cpp PROPERTIES COMPILE_OPTIONS -fsanitize=fuzzer)
target_compile_definitions(strata-program-fuzzer PRIVATE
  STRATA_FUZZ_BERT_WEIGHTS="${CMAKE_CURRENT_BINARY_DIR}/bert/model.weights"
  STRATA_FUZZ_GPT_WEIGHTS="${CMAKE_CURRENT_BINARY_DIR}/gpt/model.weights")
target_link_options(strata-program-fuzzer PRIVATE -fsanitize=fuzzer,address)
target_link_libraries(strata-program-fuzzer PRIVATE StrataRuntimeInstrumented m)
