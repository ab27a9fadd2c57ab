# safetensors reader and writer (spec §4.2, §4.3).
qe_add_test(test_safetensors
  SOURCES test_safetensors.cpp
  LIBS qe_safetensors qe_test_helpers
  LABELS core)
set_target_properties(test_safetensors PROPERTIES AUTOMOC ON)
