<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>qe::gui::ChatView</name>
    <message numerus="yes">
        <source>The %n oldest turn(s) of this conversation are no longer sent to the model, so that it fits the context.</source>
        <translation><numerusform>The oldest turn of this conversation is no longer sent to the model, so that it fits the context.</numerusform><numerusform>The %n oldest turns of this conversation are no longer sent to the model, so that it fits the context.</numerusform></translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationList</name>
    <message>
        <source>Untitled conversation</source>
        <translation>Untitled conversation</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>Search conversations</translation>
    </message>
    <message>
        <source>New</source>
        <translation>New</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>Start a new conversation</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Rename</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Delete the conversation (can be undone)</source>
        <translation>Delete the conversation (can be undone)</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationStore</name>
    <message>
        <source>The conversation folder %1 cannot be created.</source>
        <translation>The conversation folder %1 cannot be created.</translation>
    </message>
    <message>
        <source>not a conversation file</source>
        <translation>not a conversation file</translation>
    </message>
    <message>
        <source>duplicate conversation id</source>
        <translation>duplicate conversation id</translation>
    </message>
    <message>
        <source>%1 could not be read (%2) and was moved to %3.</source>
        <extracomment>%1 is a file name, %2 the reason it could not be read, %3 the new file name.</extracomment>
        <translation>%1 could not be read (%2) and was moved to %3.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
</context>
<context>
    <name>qe::gui::ErrorText</name>
    <message>
        <source>The model could not be loaded: a setting or file is invalid.</source>
        <translation>The model could not be loaded: a setting or file is invalid.</translation>
    </message>
    <message>
        <source>The model could not be loaded: a file it needs is missing.</source>
        <translation>The model could not be loaded: a file it needs is missing.</translation>
    </message>
    <message>
        <source>The model could not be loaded: a file is damaged or incomplete.</source>
        <translation>The model could not be loaded: a file is damaged or incomplete.</translation>
    </message>
    <message>
        <source>This model is not supported: Qwen Explorer runs dense Qwen3 models.</source>
        <translation>This model is not supported: Qwen Explorer runs dense Qwen3 models.</translation>
    </message>
    <message>
        <source>There is not enough memory to load this model.</source>
        <translation>There is not enough memory to load this model.</translation>
    </message>
    <message>
        <source>The compute device reported an error while loading.</source>
        <translation>The compute device reported an error while loading.</translation>
    </message>
    <message>
        <source>Loading was cancelled; no model is loaded.</source>
        <translation>Loading was cancelled; no model is loaded.</translation>
    </message>
    <message>
        <source>The model could not be loaded because of an internal error.</source>
        <translation>The model could not be loaded because of an internal error.</translation>
    </message>
    <message>
        <source>The reply could not be generated: the request was invalid.</source>
        <translation>The reply could not be generated: the request was invalid.</translation>
    </message>
    <message>
        <source>The reply stopped: there is not enough memory.</source>
        <translation>The reply stopped: there is not enough memory.</translation>
    </message>
    <message>
        <source>The reply stopped: the compute device reported an error.</source>
        <translation>The reply stopped: the compute device reported an error.</translation>
    </message>
    <message>
        <source>The reply was stopped.</source>
        <translation>The reply was stopped.</translation>
    </message>
    <message>
        <source>The reply stopped because of an internal error.</source>
        <translation>The reply stopped because of an internal error.</translation>
    </message>
</context>
<context>
    <name>qe::gui::MainWindow</name>
    <message>
        <source>A conversation could not be saved.</source>
        <translation>A conversation could not be saved.</translation>
    </message>
    <message>
        <source>About Qwen Explorer</source>
        <translation>About Qwen Explorer</translation>
    </message>
    <message>
        <source>Qwen Explorer %1
Chat with Qwen3 models on your own machine and see the transformer work.</source>
        <translation>Qwen Explorer %1
Chat with Qwen3 models on your own machine and see the transformer work.</translation>
    </message>
    <message>
        <source>Loaded %1 in %2 s</source>
        <translation>Loaded %1 in %2 s</translation>
    </message>
    <message>
        <source>Some conversation files could not be read; they were moved aside and the others are available.</source>
        <translation>Some conversation files could not be read; they were moved aside and the others are available.</translation>
    </message>
    <message>
        <source>No model loaded. Open a Qwen3 model folder to start.</source>
        <translation>No model loaded. Open a Qwen3 model folder to start.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <source>Open model folder</source>
        <translation>Open model folder</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>Rename conversation</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Title:</translation>
    </message>
    <message>
        <source>Untitled conversation</source>
        <translation>Untitled conversation</translation>
    </message>
    <message>
        <source>Deleted "%1".</source>
        <translation>Deleted "%1".</translation>
    </message>
    <message>
        <source>Conversation restored.</source>
        <translation>Conversation restored.</translation>
    </message>
    <message>
        <source>No model is loaded yet. Open a model folder or wait until loading has finished.</source>
        <translation>No model is loaded yet. Open a model folder or wait until loading has finished.</translation>
    </message>
    <message>
        <source>This conversation needs %1 tokens (prompt plus up to %2 new tokens), but the model's context holds %3.</source>
        <translation>This conversation needs %1 tokens (prompt plus up to %2 new tokens), but the model's context holds %3.</translation>
    </message>
    <message>
        <source>Lower "Max new tokens" or start a new conversation.</source>
        <translation>Lower "Max new tokens" or start a new conversation.</translation>
    </message>
    <message>
        <source>Context full</source>
        <translation>Context full</translation>
    </message>
    <message numerus="yes">
        <source>Leave out the %n oldest turn(s) so that it fits? They stay in the conversation but the model no longer sees them.</source>
        <translation><numerusform>Leave out the oldest turn so that it fits? It stays in the conversation but the model no longer sees it.</numerusform><numerusform>Leave out the %n oldest turns so that it fits? They stay in the conversation but the model no longer sees them.</numerusform></translation>
    </message>
    <message>
        <source>The prompt could not be built with the model's chat template.</source>
        <translation>The prompt could not be built with the model's chat template.</translation>
    </message>
    <message>
        <source>Qwen Explorer</source>
        <translation>Qwen Explorer</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open model folder…</source>
        <translation>&amp;Open model folder…</translation>
    </message>
    <message>
        <source>Prompt &amp;templates…</source>
        <translation>Prompt &amp;templates…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>&amp;Conversation</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>&amp;New conversation</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Rename…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Delete</translation>
    </message>
    <message>
        <source>&amp;Undo delete</source>
        <translation>&amp;Undo delete</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About Qwen Explorer</source>
        <translation>&amp;About Qwen Explorer</translation>
    </message>
    <message>
        <source>Type a message… (Ctrl+Enter sends)</source>
        <translation>Type a message… (Ctrl+Enter sends)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Stop generating; the text so far is kept</source>
        <translation>Stop generating; the text so far is kept</translation>
    </message>
    <message>
        <source>Templates…</source>
        <translation>Templates…</translation>
    </message>
    <message>
        <source>Start a conversation from a prompt template</source>
        <translation>Start a conversation from a prompt template</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Undo delete</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>Send a message to start the conversation.</source>
        <translation>Send a message to start the conversation.</translation>
    </message>
</context>
<context>
    <name>qe::gui::MessageWidget</name>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the message text to the clipboard</source>
        <translation>Copy the message text to the clipboard</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Edit this message and send it again; the old version stays reachable</source>
        <translation>Edit this message and send it again; the old version stays reachable</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Regenerate</translation>
    </message>
    <message>
        <source>Generate another reply; the old one stays reachable</source>
        <translation>Generate another reply; the old one stays reachable</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Previous version</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Next version</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <extracomment>Version switcher of a message: "2/3" = second of three versions.</extracomment>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Thinking…</translation>
    </message>
    <message>
        <source>Thought for %1 s</source>
        <translation>Thought for %1 s</translation>
    </message>
    <message>
        <source>Thoughts</source>
        <translation>Thoughts</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation><numerusform>%n token</numerusform><numerusform>%n tokens</numerusform></translation>
    </message>
    <message>
        <source>first token %1 s</source>
        <translation>first token %1 s</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <source>reused %1 of %2 prompt tokens</source>
        <extracomment>KV-cache reuse: %1 prompt tokens were served from the cache, %2 is the prompt length.</extracomment>
        <translation>reused %1 of %2 prompt tokens</translation>
    </message>
    <message>
        <source>generating…</source>
        <translation>generating…</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>stopped</translation>
    </message>
    <message>
        <source>stopped at the token limit</source>
        <translation>stopped at the token limit</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source> · </source>
        <extracomment>Separator between message statistics.</extracomment>
        <translation> · </translation>
    </message>
</context>
<context>
    <name>qe::gui::ModelBar</name>
    <message>
        <source>Open model folder…</source>
        <translation>Open model folder…</translation>
    </message>
    <message>
        <source>Open a Hugging Face Qwen3 folder (config.json, tokenizer, safetensors)</source>
        <translation>Open a Hugging Face Qwen3 folder (config.json, tokenizer, safetensors)</translation>
    </message>
    <message>
        <source>Recent:</source>
        <translation>Recent:</translation>
    </message>
    <message>
        <source>Load a recently used model</source>
        <translation>Load a recently used model</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>Backend:</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>This build has the CPU backend only.</source>
        <translation>This build has the CPU backend only.</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>All cores</translation>
    </message>
    <message>
        <source>Compute threads; applies to the next model load</source>
        <translation>Compute threads; applies to the next model load</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>%1 of %2 · %3/s · %4 s left</source>
        <extracomment>Load progress: %1 bytes loaded, %2 total, %3 speed per second, %4 seconds left.</extracomment>
        <translation>%1 of %2 · %3/s · %4 s left</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
</context>
<context>
    <name>qe::gui::ModelCardView</name>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architecture</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Weights</translation>
    </message>
    <message>
        <source>Memory</source>
        <extracomment>Memory: %1 weight file size, %2 KV-cache bytes per token.</extracomment>
        <translation>Memory</translation>
    </message>
    <message>
        <source>%1 weights + %2 per token of context</source>
        <translation>%1 weights + %2 per token of context</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Context</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 tokens</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Loaded in</source>
        <translation>Loaded in</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
</context>
<context>
    <name>qe::gui::ModelValidation</name>
    <message>
        <source>The folder has no model weights (model.safetensors or model.safetensors.index.json).</source>
        <translation>The folder has no model weights (model.safetensors or model.safetensors.index.json).</translation>
    </message>
    <message>
        <source>The weight index file cannot be read.</source>
        <translation>The weight index file cannot be read.</translation>
    </message>
    <message>
        <source>The weight index file is not valid JSON.</source>
        <translation>The weight index file is not valid JSON.</translation>
    </message>
    <message numerus="yes">
        <source>%n weight shard(s) are missing.</source>
        <translation><numerusform>%n weight shard is missing.</numerusform><numerusform>%n weight shards are missing.</numerusform></translation>
    </message>
    <message>
        <source>The model folder does not exist.</source>
        <translation>The model folder does not exist.</translation>
    </message>
    <message>
        <source>The folder has no config.json, so it is not a Hugging Face model folder.</source>
        <translation>The folder has no config.json, so it is not a Hugging Face model folder.</translation>
    </message>
    <message>
        <source>This model is not supported: Qwen Explorer runs dense Qwen3 models.</source>
        <translation>This model is not supported: Qwen Explorer runs dense Qwen3 models.</translation>
    </message>
    <message>
        <source>config.json could not be read.</source>
        <translation>config.json could not be read.</translation>
    </message>
    <message>
        <source>The folder has no tokenizer (tokenizer.json or tokenizer.model).</source>
        <translation>The folder has no tokenizer (tokenizer.json or tokenizer.model).</translation>
    </message>
    <message>
        <source>The folder has no tokenizer_config.json, which holds the chat template.</source>
        <translation>The folder has no tokenizer_config.json, which holds the chat template.</translation>
    </message>
</context>
<context>
    <name>qe::gui::PromptTemplateDialog</name>
    <message>
        <source>%1 (%2, %3)</source>
        <extracomment>Template list entry: %1 name, %2 language code, %3 "built-in" or "mine".</extracomment>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>built-in</translation>
    </message>
    <message>
        <source>mine</source>
        <translation>mine</translation>
    </message>
    <message>
        <source>Some template files could not be used: %1</source>
        <translation>Some template files could not be used: %1</translation>
    </message>
    <message>
        <source>No template is available.</source>
        <translation>No template is available.</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s) in the final prompt</source>
        <translation><numerusform>%n token in the final prompt</numerusform><numerusform>%n tokens in the final prompt</numerusform></translation>
    </message>
    <message>
        <source>Load a model to count the prompt's tokens.</source>
        <translation>Load a model to count the prompt's tokens.</translation>
    </message>
    <message>
        <source>Empty: %1</source>
        <translation>Empty: %1</translation>
    </message>
    <message>
        <source>Delete template</source>
        <translation>Delete template</translation>
    </message>
    <message>
        <source>Delete the template "%1"?</source>
        <translation>Delete the template "%1"?</translation>
    </message>
    <message>
        <source>Prompt templates</source>
        <translation>Prompt templates</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Templates</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>New…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>Edit your template, or a copy of a built-in one</source>
        <translation>Edit your template, or a copy of a built-in one</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>Variables</translation>
    </message>
    <message>
        <source>Final prompt (as the model receives it)</source>
        <translation>Final prompt (as the model receives it)</translation>
    </message>
    <message>
        <source>Start conversation</source>
        <translation>Start conversation</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>qe::gui::SamplingPanel</name>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Thinking</translation>
    </message>
    <message>
        <source>Let the model reason in a &lt;think&gt; block before answering (enable_thinking)</source>
        <translation>Let the model reason in a &lt;think&gt; block before answering (enable_thinking)</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <source>Thinking preset</source>
        <translation>Thinking preset</translation>
    </message>
    <message>
        <source>Non-thinking preset</source>
        <translation>Non-thinking preset</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>Thinking: T 0.6, top-p 0.95, top-k 20. Non-thinking: T 0.7, top-p 0.8, top-k 20.</source>
        <translation>Thinking: T 0.6, top-p 0.95, top-k 20. Non-thinking: T 0.7, top-p 0.8, top-k 20.</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>Max new tokens</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Context</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <extracomment>Context meter: tokens used of the model's context limit.</extracomment>
        <translation>%1 / %2 tokens</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>no model</translation>
    </message>
    <message>
        <source>Tokens this conversation uses of the model's context</source>
        <translation>Tokens this conversation uses of the model's context</translation>
    </message>
</context>
<context>
    <name>qe::gui::SettingsDialog</name>
    <message>
        <source>Default model folder</source>
        <translation>Default model folder</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>System language</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>Default model</translation>
    </message>
    <message>
        <source>Built-in model</source>
        <translation>Built-in model</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>This build has the CPU backend only.</source>
        <translation>This build has the CPU backend only.</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>All cores</translation>
    </message>
    <message>
        <source>Default sampling</source>
        <translation>Default sampling</translation>
    </message>
    <message>
        <source>Thinking preset</source>
        <translation>Thinking preset</translation>
    </message>
    <message>
        <source>Non-thinking preset</source>
        <translation>Non-thinking preset</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>Max new tokens</translation>
    </message>
</context>
<context>
    <name>qe::gui::TemplateEditorDialog</name>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System prompt</translation>
    </message>
    <message>
        <source>Body</source>
        <translation>Body</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <source>Edit prompt template</source>
        <translation>Edit prompt template</translation>
    </message>
    <message>
        <source>e.g. my-template (letters, digits, - and _)</source>
        <translation>e.g. my-template (letters, digits, - and _)</translation>
    </message>
    <message>
        <source>The user message; write {{name}} for each variable</source>
        <translation>The user message; write {{name}} for each variable</translation>
    </message>
    <message>
        <source>Keep the user's setting</source>
        <translation>Keep the user's setting</translation>
    </message>
    <message>
        <source>Thinking preset</source>
        <translation>Thinking preset</translation>
    </message>
    <message>
        <source>Non-thinking preset</source>
        <translation>Non-thinking preset</translation>
    </message>
    <message>
        <source>The id and language may only hold letters, digits, '-' and '_'.</source>
        <translation>The id and language may only hold letters, digits, '-' and '_'.</translation>
    </message>
    <message>
        <source>The template is not valid: %1</source>
        <translation>The template is not valid: %1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
</context>
</TS>
