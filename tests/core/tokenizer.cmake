# Tokenizer tests: byte-level BPE against shared testdata, SentencePiece against spm_encode,
# and the tokenize/detokenize CLI end to end.
qe_add_test(test_tokenizer SOURCES test_tokenizer.cpp LIBS qe_tokenizer qe_test_helpers LABELS core)
qe_add_test(test_sentencepiece SOURCES test_sentencepiece.cpp LIBS qe_tokenizer qe_test_helpers LABELS core)
qe_add_test(test_tokenizer_cli SOURCES test_tokenizer_cli.cpp LIBS qe_test_helpers LABELS core)
add_dependencies(test_tokenizer_cli qwen-explorer-cli)
foreach(t test_tokenizer test_sentencepiece test_tokenizer_cli)
  set_target_properties(${t} PROPERTIES AUTOMOC ON)
endforeach()
