# Tokenizer fuzzers; seed corpora in corpus/fuzz_tokenizer_load/ and corpus/fuzz_tokenizer_encode/.
# Set QE_FUZZ_TOKENIZER to a tokenizer.json (or folder) to fuzz encoding with the real Qwen3 tokenizer.
qe_add_fuzzer(fuzz_tokenizer_load SOURCES fuzz_tokenizer_load.cpp LIBS qe_tokenizer)
qe_add_fuzzer(fuzz_tokenizer_encode SOURCES fuzz_tokenizer_encode.cpp LIBS qe_tokenizer)
