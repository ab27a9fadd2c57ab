# fuzz_chat_template: template source from the fuzz input, rendered with a fixed conversation.
qe_add_fuzzer(fuzz_chat_template SOURCES fuzz_chat_template.cpp LIBS qe_chat)
