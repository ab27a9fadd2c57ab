# Chat area tests: Jinja engine, Qwen3 chat template goldens, output parser, prompt templates, CLI.
qe_add_test(test_chat_template SOURCES test_chat_template.cpp LIBS qe_chat qe_test_helpers LABELS core)
qe_add_test(test_chat_jinja SOURCES test_chat_jinja.cpp LIBS qe_chat LABELS core)
qe_add_test(test_chat_output_parser SOURCES test_chat_output_parser.cpp LIBS qe_chat LABELS core)
qe_add_test(test_chat_prompt_templates SOURCES test_chat_prompt_templates.cpp LIBS qe_chat LABELS core)
qe_add_test(test_chat_cli SOURCES test_chat_cli.cpp LIBS qe_test_helpers nlohmann_json::nlohmann_json LABELS core)
add_dependencies(test_chat_cli qwen-explorer-cli)
set_target_properties(test_chat_template test_chat_jinja test_chat_output_parser test_chat_prompt_templates test_chat_cli
                      PROPERTIES AUTOMOC ON)
