# Fuzzer for the safetensors header and index parsers; seed corpus in corpus/fuzz_safetensors/.
qe_add_fuzzer(fuzz_safetensors SOURCES fuzz_safetensors.cpp LIBS qe_safetensors)
