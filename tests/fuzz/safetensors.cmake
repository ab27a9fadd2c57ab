# Fuzzer for the safetensors header and index parsers; seed corpus in corpus/fuzz_safetensors/.
# The parser source is compiled into the fuzzer itself so that libFuzzer's coverage
# instrumentation (-fsanitize=fuzzer) reaches it; qe_safetensors brings the rest (qe_base).
qe_add_fuzzer(fuzz_safetensors
  SOURCES fuzz_safetensors.cpp ${CMAKE_SOURCE_DIR}/core/safetensors.cpp
  LIBS qe_safetensors)
