# Tokenizer fuzzers; seed corpora in corpus/fuzz_tokenizer_load/ and corpus/fuzz_tokenizer_encode/.
# The tokenizer sources are compiled into each fuzzer so that coverage instrumentation reaches
# them; linking qe_tokenizer brings PCRE2, SentencePiece and ICU. Set QE_FUZZ_TOKENIZER to a
# tokenizer.json (or folder) to fuzz encoding with the real Qwen3 tokenizer.
set(qe_tokenizer_fuzz_sources
  ${CMAKE_SOURCE_DIR}/core/tokenizer/tokenizer.cpp
  ${CMAKE_SOURCE_DIR}/core/tokenizer/bpe_tokenizer.cpp
  ${CMAKE_SOURCE_DIR}/core/tokenizer/bpe_loader.cpp
  ${CMAKE_SOURCE_DIR}/core/tokenizer/tokenizer_json_reader.cpp
  ${CMAKE_SOURCE_DIR}/core/tokenizer/regex_splitter.cpp
  ${CMAKE_SOURCE_DIR}/core/tokenizer/stream_decoder.cpp
  ${CMAKE_SOURCE_DIR}/core/tokenizer/utf8.cpp)
qe_add_fuzzer(fuzz_tokenizer_load SOURCES fuzz_tokenizer_load.cpp ${qe_tokenizer_fuzz_sources} LIBS qe_tokenizer)
qe_add_fuzzer(fuzz_tokenizer_encode SOURCES fuzz_tokenizer_encode.cpp ${qe_tokenizer_fuzz_sources} LIBS qe_tokenizer)
