<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>qe::gui::ChatView</name>
    <message numerus="yes">
        <source>The %n oldest turn(s) of this conversation are no longer sent to the model, so that it fits the context.</source>
        <translation><numerusform>此对话最早的 %n 轮已不再发送给模型，以便放入上下文。</numerusform></translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationList</name>
    <message>
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>开始新对话</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete the conversation (can be undone)</source>
        <translation>删除对话（可撤销）</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationStore</name>
    <message>
        <source>The conversation folder %1 cannot be created.</source>
        <translation>无法创建对话文件夹 %1。</translation>
    </message>
    <message>
        <source>not a conversation file</source>
        <translation>不是对话文件</translation>
    </message>
    <message>
        <source>duplicate conversation id</source>
        <translation>对话 ID 重复</translation>
    </message>
    <message>
        <source>%1 could not be read (%2) and was moved to %3.</source>
        <extracomment>%1 is a file name, %2 the reason it could not be read, %3 the new file name.</extracomment>
        <translation>无法读取 %1（%2），已移动到 %3。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>qe::gui::ErrorText</name>
    <message>
        <source>The model could not be loaded: a setting or file is invalid.</source>
        <translation>无法加载模型：某个设置或文件无效。</translation>
    </message>
    <message>
        <source>The model could not be loaded: a file it needs is missing.</source>
        <translation>无法加载模型：缺少所需的文件。</translation>
    </message>
    <message>
        <source>The model could not be loaded: a file is damaged or incomplete.</source>
        <translation>无法加载模型：某个文件已损坏或不完整。</translation>
    </message>
    <message>
        <source>This model is not supported: Qwen Explorer runs dense Qwen3 models.</source>
        <translation>不支持此模型：Qwen Explorer 只运行稠密 Qwen3 模型。</translation>
    </message>
    <message>
        <source>There is not enough memory to load this model.</source>
        <translation>内存不足，无法加载此模型。</translation>
    </message>
    <message>
        <source>The compute device reported an error while loading.</source>
        <translation>加载时计算设备报告了错误。</translation>
    </message>
    <message>
        <source>Loading was cancelled; no model is loaded.</source>
        <translation>已取消加载；当前没有加载模型。</translation>
    </message>
    <message>
        <source>The model could not be loaded because of an internal error.</source>
        <translation>由于内部错误，无法加载模型。</translation>
    </message>
    <message>
        <source>The reply could not be generated: the request was invalid.</source>
        <translation>无法生成回复：请求无效。</translation>
    </message>
    <message>
        <source>The reply stopped: there is not enough memory.</source>
        <translation>回复已中止：内存不足。</translation>
    </message>
    <message>
        <source>The reply stopped: the compute device reported an error.</source>
        <translation>回复已中止：计算设备报告了错误。</translation>
    </message>
    <message>
        <source>The reply was stopped.</source>
        <translation>回复已停止。</translation>
    </message>
    <message>
        <source>The reply stopped because of an internal error.</source>
        <translation>由于内部错误，回复已中止。</translation>
    </message>
</context>
<context>
    <name>qe::gui::MainWindow</name>
    <message>
        <source>A conversation could not be saved.</source>
        <translation>无法保存对话。</translation>
    </message>
    <message>
        <source>About Qwen Explorer</source>
        <translation>关于 Qwen Explorer</translation>
    </message>
    <message>
        <source>Qwen Explorer %1
Chat with Qwen3 models on your own machine and see the transformer work.</source>
        <translation>Qwen Explorer %1
在自己的电脑上与 Qwen3 模型对话，并观察 Transformer 的工作过程。</translation>
    </message>
    <message>
        <source>Loaded %1 in %2 s</source>
        <translation>已加载 %1，用时 %2 秒</translation>
    </message>
    <message>
        <source>Some conversation files could not be read; they were moved aside and the others are available.</source>
        <translation>部分对话文件无法读取，已被移到一旁；其他对话仍可使用。</translation>
    </message>
    <message>
        <source>No model loaded. Open a Qwen3 model folder to start.</source>
        <translation>尚未加载模型。请打开一个 Qwen3 模型文件夹开始使用。</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Open model folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <source>Deleted "%1".</source>
        <translation>已删除“%1”。</translation>
    </message>
    <message>
        <source>Conversation restored.</source>
        <translation>对话已恢复。</translation>
    </message>
    <message>
        <source>No model is loaded yet. Open a model folder or wait until loading has finished.</source>
        <translation>尚未加载模型。请打开模型文件夹，或等待加载完成。</translation>
    </message>
    <message>
        <source>This conversation needs %1 tokens (prompt plus up to %2 new tokens), but the model's context holds %3.</source>
        <translation>此对话需要 %1 个词元（提示词加最多 %2 个新词元），但模型的上下文只能容纳 %3 个。</translation>
    </message>
    <message>
        <source>Lower "Max new tokens" or start a new conversation.</source>
        <translation>请调低“最大新词元数”，或开始新对话。</translation>
    </message>
    <message>
        <source>Context full</source>
        <translation>上下文已满</translation>
    </message>
    <message numerus="yes">
        <source>Leave out the %n oldest turn(s) so that it fits? They stay in the conversation but the model no longer sees them.</source>
        <translation><numerusform>是否略去最早的 %n 轮对话以便放入上下文？这些内容仍保留在对话中，但模型将不再看到它们。</numerusform></translation>
    </message>
    <message>
        <source>The prompt could not be built with the model's chat template.</source>
        <translation>无法用模型的对话模板构建提示词。</translation>
    </message>
    <message>
        <source>Qwen Explorer</source>
        <translation>Qwen Explorer</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open model folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Prompt &amp;templates…</source>
        <translation>提示词模板(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Undo delete</source>
        <translation>撤销删除(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Qwen Explorer</source>
        <translation>关于 Qwen Explorer(&amp;A)</translation>
    </message>
    <message>
        <source>Type a message… (Ctrl+Enter sends)</source>
        <translation>输入消息…（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating; the text so far is kept</source>
        <translation>停止生成；已生成的文字会保留</translation>
    </message>
    <message>
        <source>Templates…</source>
        <translation>模板…</translation>
    </message>
    <message>
        <source>Start a conversation from a prompt template</source>
        <translation>用提示词模板开始对话</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Send a message to start the conversation.</source>
        <translation>发送一条消息开始对话。</translation>
    </message>
</context>
<context>
    <name>qe::gui::MessageWidget</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the message text to the clipboard</source>
        <translation>将消息文字复制到剪贴板</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit this message and send it again; the old version stays reachable</source>
        <translation>编辑此消息并重新发送；旧版本仍可查看</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Generate another reply; the old one stays reachable</source>
        <translation>再生成一个回复；旧回复仍可查看</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <extracomment>Version switcher of a message: "2/3" = second of three versions.</extracomment>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Thought for %1 s</source>
        <translation>思考了 %1 秒</translation>
    </message>
    <message>
        <source>Thoughts</source>
        <translation>思考过程</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation><numerusform>%n 个词元</numerusform></translation>
    </message>
    <message>
        <source>first token %1 s</source>
        <translation>首词元 %1 秒</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>reused %1 of %2 prompt tokens</source>
        <extracomment>KV-cache reuse: %1 prompt tokens were served from the cache, %2 is the prompt length.</extracomment>
        <translation>复用了 %2 个提示词元中的 %1 个</translation>
    </message>
    <message>
        <source>generating…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>stopped at the token limit</source>
        <translation>已达到词元上限</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
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
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Open a Hugging Face Qwen3 folder (config.json, tokenizer, safetensors)</source>
        <translation>打开 Hugging Face 格式的 Qwen3 文件夹（config.json、分词器、safetensors）</translation>
    </message>
    <message>
        <source>Recent:</source>
        <translation>最近：</translation>
    </message>
    <message>
        <source>Load a recently used model</source>
        <translation>加载最近使用的模型</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>后端：</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>This build has the CPU backend only.</source>
        <translation>此版本只有 CPU 后端。</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>线程：</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>全部核心</translation>
    </message>
    <message>
        <source>Compute threads; applies to the next model load</source>
        <translation>计算线程数；下次加载模型时生效</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>%1 of %2 · %3/s · %4 s left</source>
        <extracomment>Load progress: %1 bytes loaded, %2 total, %3 speed per second, %4 seconds left.</extracomment>
        <translation>%1 / %2 · %3/秒 · 剩余 %4 秒</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
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
        <translation>模型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Memory</source>
        <extracomment>Memory: %1 weight file size, %2 KV-cache bytes per token.</extracomment>
        <translation>内存</translation>
    </message>
    <message>
        <source>%1 weights + %2 per token of context</source>
        <translation>权重 %1 + 每个上下文词元 %2</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>Loaded in</source>
        <translation>加载用时</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
</context>
<context>
    <name>qe::gui::ModelValidation</name>
    <message>
        <source>The folder has no model weights (model.safetensors or model.safetensors.index.json).</source>
        <translation>该文件夹中没有模型权重（model.safetensors 或 model.safetensors.index.json）。</translation>
    </message>
    <message>
        <source>The weight index file cannot be read.</source>
        <translation>无法读取权重索引文件。</translation>
    </message>
    <message>
        <source>The weight index file is not valid JSON.</source>
        <translation>权重索引文件不是有效的 JSON。</translation>
    </message>
    <message numerus="yes">
        <source>%n weight shard(s) are missing.</source>
        <translation><numerusform>缺少 %n 个权重分片。</numerusform></translation>
    </message>
    <message>
        <source>The model folder does not exist.</source>
        <translation>模型文件夹不存在。</translation>
    </message>
    <message>
        <source>The folder has no config.json, so it is not a Hugging Face model folder.</source>
        <translation>该文件夹中没有 config.json，因此不是 Hugging Face 模型文件夹。</translation>
    </message>
    <message>
        <source>This model is not supported: Qwen Explorer runs dense Qwen3 models.</source>
        <translation>不支持此模型：Qwen Explorer 只运行稠密 Qwen3 模型。</translation>
    </message>
    <message>
        <source>config.json could not be read.</source>
        <translation>无法读取 config.json。</translation>
    </message>
    <message>
        <source>The folder has no tokenizer (tokenizer.json or tokenizer.model).</source>
        <translation>该文件夹中没有分词器（tokenizer.json 或 tokenizer.model）。</translation>
    </message>
    <message>
        <source>The folder has no tokenizer_config.json, which holds the chat template.</source>
        <translation>该文件夹中没有 tokenizer_config.json（其中包含对话模板）。</translation>
    </message>
</context>
<context>
    <name>qe::gui::PromptTemplateDialog</name>
    <message>
        <source>%1 (%2, %3)</source>
        <extracomment>Template list entry: %1 name, %2 language code, %3 "built-in" or "mine".</extracomment>
        <translation>%1（%2，%3）</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <source>Some template files could not be used: %1</source>
        <translation>部分模板文件无法使用：%1</translation>
    </message>
    <message>
        <source>No template is available.</source>
        <translation>没有可用的模板。</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s) in the final prompt</source>
        <translation><numerusform>最终提示词共 %n 个词元</numerusform></translation>
    </message>
    <message>
        <source>Load a model to count the prompt's tokens.</source>
        <translation>加载模型后才能统计提示词的词元数。</translation>
    </message>
    <message>
        <source>Empty: %1</source>
        <translation>未填写：%1</translation>
    </message>
    <message>
        <source>Delete template</source>
        <translation>删除模板</translation>
    </message>
    <message>
        <source>Delete the template "%1"?</source>
        <translation>要删除模板“%1”吗？</translation>
    </message>
    <message>
        <source>Prompt templates</source>
        <translation>提示词模板</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Edit your template, or a copy of a built-in one</source>
        <translation>编辑你的模板，或内置模板的副本</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>Final prompt (as the model receives it)</source>
        <translation>最终提示词（模型实际收到的内容）</translation>
    </message>
    <message>
        <source>Start conversation</source>
        <translation>开始对话</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>qe::gui::SamplingPanel</name>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <source>Let the model reason in a &lt;think&gt; block before answering (enable_thinking)</source>
        <translation>让模型在回答前先在 &lt;think&gt; 块中推理（enable_thinking）</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Thinking preset</source>
        <translation>思考模式预设</translation>
    </message>
    <message>
        <source>Non-thinking preset</source>
        <translation>非思考模式预设</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Thinking: T 0.6, top-p 0.95, top-k 20. Non-thinking: T 0.7, top-p 0.8, top-k 20.</source>
        <translation>思考模式：T 0.6，top-p 0.95，top-k 20。非思考模式：T 0.7，top-p 0.8，top-k 20。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
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
        <translation>最大新词元数</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <extracomment>Context meter: tokens used of the model's context limit.</extracomment>
        <translation>%1 / %2 个词元</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Tokens this conversation uses of the model's context</source>
        <translation>此对话占用的模型上下文词元数</translation>
    </message>
</context>
<context>
    <name>qe::gui::SettingsDialog</name>
    <message>
        <source>Default model folder</source>
        <translation>默认模型文件夹</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>Built-in model</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>This build has the CPU backend only.</source>
        <translation>此版本只有 CPU 后端。</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>全部核心</translation>
    </message>
    <message>
        <source>Default sampling</source>
        <translation>默认采样</translation>
    </message>
    <message>
        <source>Thinking preset</source>
        <translation>思考模式预设</translation>
    </message>
    <message>
        <source>Non-thinking preset</source>
        <translation>非思考模式预设</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
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
        <translation>最大新词元数</translation>
    </message>
</context>
<context>
    <name>qe::gui::TemplateEditorDialog</name>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Body</source>
        <translation>正文</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Edit prompt template</source>
        <translation>编辑提示词模板</translation>
    </message>
    <message>
        <source>e.g. my-template (letters, digits, - and _)</source>
        <translation>例如 my-template（字母、数字、- 和 _）</translation>
    </message>
    <message>
        <source>The user message; write {{name}} for each variable</source>
        <translation>用户消息；每个变量写作 {{name}}</translation>
    </message>
    <message>
        <source>Keep the user's setting</source>
        <translation>保留用户的设置</translation>
    </message>
    <message>
        <source>Thinking preset</source>
        <translation>思考模式预设</translation>
    </message>
    <message>
        <source>Non-thinking preset</source>
        <translation>非思考模式预设</translation>
    </message>
    <message>
        <source>The id and language may only hold letters, digits, '-' and '_'.</source>
        <translation>ID 和语言只能包含字母、数字、“-”和“_”。</translation>
    </message>
    <message>
        <source>The template is not valid: %1</source>
        <translation>模板无效：%1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
</TS>
