# Lit configuration of Strata's FileCheck tests (dialects, passes, importer).
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "STRATA"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtext", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs",
                   "models", "conformance", "fuzz", "bench", "runtime"]
config.excludes += ["make_external_model.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.strata_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%generated_testdata", config.generated_testdata_dir))
config.substitutions.append(("%onnx_node_dir", config.onnx_node_dir))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src_root", config.strata_src_root))
config.substitutions.append(
    ("%stratac_bin", os.path.join(config.strata_tools_dir, "stratac")))
config.substitutions.append(
    ("%strata_onnx_ops_bin", os.path.join(config.strata_tools_dir, "strata-onnx-ops")))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["strata-opt", "stratac", "strata-onnx-ops",
                                   "strata-weights-find"], [config.strata_tools_dir])
