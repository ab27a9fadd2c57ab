<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackendChoice</name>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <extracomment>The CUDA backend on an NVIDIA graphics card.</extracomment>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <source>Where the model runs; applies to the next model load. Automatic uses the GPU when the model fits in its memory, else the CPU.</source>
        <translation>模型在哪里运行；下次加载模型时生效。“自动”在模型能放入显存时使用 GPU，否则使用 CPU。</translation>
    </message>
    <message>
        <source>GPU: %1</source>
        <translation>GPU：%1</translation>
    </message>
    <message>
        <source>No GPU available: %1</source>
        <extracomment>%1: the technical reason, in English.</extracomment>
        <translation>没有可用的 GPU：%1</translation>
    </message>
</context>
<context>
    <name>StructureTour</name>
    <message>
        <source>The token</source>
        <translation>这个词元</translation>
    </message>
    <message>
        <source>Embedding lookup</source>
        <translation>嵌入查表</translation>
    </message>
    <message>
        <source>Input RMSNorm</source>
        <translation>输入 RMSNorm</translation>
    </message>
    <message>
        <source>Query, key and value projections</source>
        <translation>查询、键和值投影</translation>
    </message>
    <message>
        <source>QK-norm</source>
        <translation>QK 归一化</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>Grouped-query attention</source>
        <translation>分组查询注意力</translation>
    </message>
    <message>
        <source>Output projection</source>
        <translation>输出投影</translation>
    </message>
    <message>
        <source>Residual add after attention</source>
        <translation>注意力之后的残差相加</translation>
    </message>
    <message>
        <source>Post-attention RMSNorm</source>
        <translation>注意力后的 RMSNorm</translation>
    </message>
    <message>
        <source>SwiGLU MLP</source>
        <translation>SwiGLU MLP</translation>
    </message>
    <message>
        <source>Residual add after the MLP</source>
        <translation>MLP 之后的残差相加</translation>
    </message>
    <message>
        <source>Final RMSNorm</source>
        <translation>最终 RMSNorm</translation>
    </message>
    <message>
        <source>LM head (tied)</source>
        <translation>LM 头（与嵌入共享）</translation>
    </message>
    <message>
        <source>LM head (untied)</source>
        <translation>LM 头（独立矩阵）</translation>
    </message>
    <message>
        <source>The next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Layer %1 (of %2): %3</source>
        <extracomment>Tour heading inside a decoder layer. %1: layer index (from 0), %2: number of layers, %3: block name.</extracomment>
        <translation>第 %1 层（共 %2 层）：%3</translation>
    </message>
    <message>
        <source>&lt;b&gt;The token&lt;/b&gt;&lt;p&gt;The tokenizer has cut the text into tokens from a vocabulary of %1. The model never sees letters, only the token id. This tour follows one token through the whole forward pass and shows its own numbers wherever the inspector has them.&lt;/p&gt;</source>
        <translation>&lt;b&gt;词元&lt;/b&gt;&lt;p&gt;分词器已把文本切分成词元，词表大小为 %1。模型从不看到字母，只看到词元 ID。本导览跟随一个词元走完整个前向计算，并在检查器有数据的地方显示它自己的数值。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;The next token&lt;/b&gt;&lt;p&gt;Softmax turns the logits z into probabilities pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T) (T: the temperature); the sampler draws one token, which is appended to the context and fed in again. One forward pass per token: this loop is how the model writes.&lt;/p&gt;</source>
        <translation>&lt;b&gt;下一个词元&lt;/b&gt;&lt;p&gt;Softmax 把 logits z 变成概率 pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T)（T：温度）；采样器抽取一个词元，把它追加到上下文并再次输入模型。每个词元一次前向计算：模型就是这样循环写作的。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;This token&apos;s live numbers for this step appear here after a generation with the loaded model: choose “Loaded model” above, generate a reply and select a token.&lt;/i&gt;</source>
        <translation>&lt;i&gt;用已加载的模型生成之后，这个词元在本步骤的实时数值会显示在这里：在上方选择“已加载的模型”，生成一条回复，然后选择一个词元。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>E has %1 rows of %2 numbers; x₀ is one of these rows.</source>
        <extracomment>%1 vocabulary size, %2 hidden size.</extracomment>
        <translation>E 有 %1 行，每行 %2 个数；x₀ 就是其中一行。</translation>
    </message>
    <message>
        <source>ε = %1; the gain g has %2 values.</source>
        <translation>ε = %1；增益 g 有 %2 个值。</translation>
    </message>
    <message>
        <source>From %4 numbers: q = %1 heads × %2, k = %3 heads × %2, v = %3 heads × %2.</source>
        <extracomment>%1 query heads, %2 head dimension, %3 KV heads, %4 hidden size.</extracomment>
        <translation>由 %4 个数得到：q = %1 个头 × %2，k = %3 个头 × %2，v = %3 个头 × %2。</translation>
    </message>
    <message>
        <source>%1 query heads and %2 key heads, each normalized over its own %3 dimensions.</source>
        <translation>%1 个查询头和 %2 个键头，各自在自己的 %3 维上归一化。</translation>
    </message>
    <message>
        <source>θ = %1, d = %2: the fastest pair turns by 1 rad per position, the slowest by %3 rad (one full turn every %4 positions).</source>
        <extracomment>%1 θ, %2 head dimension, %3 radians per position of the slowest pair, %4 positions for one turn.</extracomment>
        <translation>θ = %1，d = %2：最快的一对维度每个位置旋转 1 弧度，最慢的一对旋转 %3 弧度（每 %4 个位置转一整圈）。</translation>
    </message>
    <message>
        <source>YaRN stretches the slow frequencies by a factor of %1 beyond %2 positions.</source>
        <translation>超过 %2 个位置后，YaRN 把低频拉伸 %1 倍。</translation>
    </message>
    <message>
        <source>This token is at position %1: its fastest pair is turned by %2 rad, its slowest by %3 rad.</source>
        <extracomment>%1 position, %2 angle of the fastest pair, %3 angle of the slowest pair (radians).</extracomment>
        <translation>这个词元位于位置 %1：最快的一对维度旋转了 %2 弧度，最慢的一对旋转了 %3 弧度。</translation>
    </message>
    <message>
        <source>%1 query heads in %2 groups: each group of %3 query heads reads the keys and values of one KV head.</source>
        <extracomment>%1 query heads, %2 KV heads, %3 query heads per KV head.</extracomment>
        <translation>%1 个查询头分成 %2 组：每组 %3 个查询头读取同一个 KV 头的键和值。</translation>
    </message>
    <message>
        <source>%1 numbers (all heads side by side) → %2 numbers.</source>
        <translation>%1 个数（所有头并排）→ %2 个数。</translation>
    </message>
    <message>
        <source>%1 → %2 hidden units (gate and up) → %1 (down).</source>
        <extracomment>%1 hidden size, %2 intermediate size.</extracomment>
        <translation>%1 → %2 个隐藏单元（gate 和 up）→ %1（down）。</translation>
    </message>
    <message>
        <source>%1 scores, one per vocabulary entry, from the embedding matrix E (no extra parameters).</source>
        <translation>%1 个分数，词表中每项一个，由嵌入矩阵 E 计算（没有额外参数）。</translation>
    </message>
    <message>
        <source>%1 scores, one per vocabulary entry, from its own matrix of %2 parameters.</source>
        <translation>%1 个分数，词表中每项一个，由它自己的 %2 参数矩阵计算。</translation>
    </message>
    <message>
        <source>Position %1: %2 (token id %3), part of the prompt.</source>
        <translation>位置 %1：%2（词元 ID %3），属于提示词。</translation>
    </message>
    <message>
        <source>Position %1: %2 (token id %3), generated with probability %4.</source>
        <translation>位置 %1：%2（词元 ID %3），以概率 %4 生成。</translation>
    </message>
    <message>
        <source>This token: x₀ = E[%1].</source>
        <translation>这个词元：x₀ = E[%1]。</translation>
    </message>
    <message>
        <source>The residual stream coming into layer %1 has RMS %2.</source>
        <translation>进入第 %1 层的残差流 RMS 为 %2。</translation>
    </message>
    <message>
        <source>RMS of silu(gate)·up for this token: %1; the residual stream after this layer: %2.</source>
        <extracomment>%1 RMS of silu(gate)·up, %2 residual RMS after the layer.</extracomment>
        <translation>这个词元的 silu(gate)·up 的 RMS：%1；本层之后的残差流：%2。</translation>
    </message>
    <message>
        <source>Residual RMS after layer %1: %2.</source>
        <translation>第 %1 层之后的残差 RMS：%2。</translation>
    </message>
    <message>
        <source>%1× the RMS before this layer.</source>
        <extracomment>%1 ratio of the residual RMS after and before this layer.</extracomment>
        <translation>是本层之前 RMS 的 %1 倍。</translation>
    </message>
    <message>
        <source>Input: the residual stream after layer %1, RMS %2.</source>
        <translation>输入：第 %1 层之后的残差流，RMS 为 %2。</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>KV head</source>
        <translation>KV 头</translation>
    </message>
    <message>
        <source>Entropy (nats)</source>
        <translation>熵（nat）</translation>
    </message>
    <message>
        <source>Sink</source>
        <translation>汇聚</translation>
    </message>
    <message>
        <source>This token attends to %1 token(s). Mean entropy %2 nats (attending evenly would be %3); sink = attention on the first token.</source>
        <extracomment>%1 number of tokens attended to, %2 mean entropy, %3 ln(tokens): the entropy of attending evenly.</extracomment>
        <translation>这个词元关注 %1 个词元。平均熵 %2 nat（均匀关注时为 %3）；汇聚 = 分配给第一个词元的注意力。</translation>
    </message>
    <message>
        <source>%1 (position %2) %3</source>
        <extracomment>One attended token: %1 token text, %2 its position, %3 attention weight.</extracomment>
        <translation>%1（位置 %2）%3</translation>
    </message>
    <message>
        <source>Head %1 (the one open in the Attention tab) looks most at: %2.</source>
        <extracomment>%1 head, %2 list of tokens with their attention weight.</extracomment>
        <translation>头 %1（注意力标签页中打开的那个）最关注：%2。</translation>
    </message>
    <message>
        <source>&lt;i&gt;The logit lens of this token (what the LM head would say after each layer) appears here once the engine has computed it, after the generation.&lt;/i&gt;</source>
        <translation>&lt;i&gt;这个词元的 logit 透镜（每层之后 LM 头会给出的预测）在生成结束、引擎计算完成后显示在这里。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>after layer %1: %2</source>
        <extracomment>Logit lens line: %1 layer, %2 most likely next token with its probability.</extracomment>
        <translation>第 %1 层之后：%2</translation>
    </message>
    <message>
        <source>Logit lens, the top guess for the next token if the model stopped early:</source>
        <translation>Logit 透镜：如果模型提前停止，对下一个词元的首选猜测：</translation>
    </message>
    <message>
        <source>No token follows this position yet.</source>
        <translation>这个位置之后还没有词元。</translation>
    </message>
    <message>
        <source>The next token, %1, came from the prompt: nothing was sampled here.</source>
        <translation>下一个词元 %1 来自提示词：这里没有采样。</translation>
    </message>
    <message>
        <source>Sampled: %1 (token id %2) with probability %3.</source>
        <extracomment>%1 sampled token, %2 its id, %3 its probability.</extracomment>
        <translation>采样结果：%1（词元 ID %2），概率 %3。</translation>
    </message>
    <message>
        <source>The most likely tokens were: %1.</source>
        <translation>最可能的词元是：%1。</translation>
    </message>
</context>
<context>
    <name>qe::gui::AttentionHeatmap</name>
    <message>
        <source>&quot;%1&quot; (%2) → &quot;%3&quot; (%4)
attention %5</source>
        <extracomment>Tooltip of the attention heatmap: query token %1 at position %2 attends to key token %3 at %4 with weight %5.</extracomment>
        <translation>“%1”（%2）→ “%3”（%4）
注意力 %5</translation>
    </message>
    <message>
        <source>Queries %1–%2 → keys %3–%4
max %5, mean %6 (zoom in for single tokens)</source>
        <extracomment>Tooltip of an aggregated tile of the attention heatmap: query positions %1–%2 over key positions %3–%4; the largest and the mean attention weight in the tile.</extracomment>
        <translation>查询 %1–%2 → 键 %3–%4
最大 %5，平均 %6（放大可查看单个词元）</translation>
    </message>
</context>
<context>
    <name>qe::gui::AttentionView</name>
    <message>
        <source>The attention pattern could not be computed: %1</source>
        <translation>无法计算注意力模式：%1</translation>
    </message>
    <message>
        <source>Layer %1, head %2: queries %3–%4 over %5 keys. Wheel: zoom, drag: pan, click: select the token.</source>
        <extracomment>%1..%2: query positions shown; %3: number of key positions.</extracomment>
        <translation>第 %1 层，第 %2 个头：查询位置 %3–%4，共 %5 个键。滚轮缩放，拖动平移，单击选中该词元。</translation>
    </message>
    <message>
        <source>KV head %1, shared by query heads %2–%3</source>
        <extracomment>GQA: query heads %2..%3 all read the keys and values of KV head %1.</extracomment>
        <translation>KV 头 %1，由查询头 %2–%3 共享</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <source>Sink mass</source>
        <translation>汇聚质量</translation>
    </message>
    <message>
        <source>Entropy: how spread out a head&apos;s attention is. Sink mass: the share of attention on the first token.</source>
        <translation>熵：一个头的注意力分散程度。汇聚质量：落在第一个词元上的注意力比例。</translation>
    </message>
    <message>
        <source>All heads for the selected token (click a cell to open that head; rules separate GQA groups)</source>
        <translation>所选词元的全部注意力头（单击单元格打开该头；竖线分隔 GQA 分组）</translation>
    </message>
    <message>
        <source>Generate a reply to see attention patterns.</source>
        <translation>生成一条回复即可查看注意力模式。</translation>
    </message>
    <message>
        <source>No hidden states are kept (diagnostics memory is 0), so attention cannot be recomputed.</source>
        <translation>没有保留隐藏状态（诊断内存为 0），因此无法重新计算注意力。</translation>
    </message>
    <message>
        <source>Layer %1, head %2: %3 positions in tiles of %4 × %4 (zoom in for single tokens). Wheel: zoom, drag: pan, click: select the token.</source>
        <extracomment>%3: context length; %4: positions per side of one aggregated tile.</extracomment>
        <translation>第 %1 层，头 %2：%3 个位置，按 %4 × %4 分块显示（放大可查看单个词元）。滚轮：缩放，拖动：平移，单击：选择词元。</translation>
    </message>
    <message>
        <source>Tiles show</source>
        <translation>分块显示</translation>
    </message>
    <message>
        <source>Block maximum</source>
        <translation>块内最大值</translation>
    </message>
    <message>
        <source>Block mean</source>
        <translation>块内平均值</translation>
    </message>
    <message>
        <source>Where one cell on screen stands for a block of queries × keys (long contexts, zoomed out): the largest weight in the block keeps sharp heads visible; the mean shows where attention mass goes.</source>
        <translation>当屏幕上的一格代表一块查询 × 键（长上下文、缩小时）：块内最大权重让尖锐的注意力头保持可见；平均值显示注意力质量流向哪里。</translation>
    </message>
    <message>
        <source>Where this token looks could not be computed: %1</source>
        <translation>无法计算这个词元关注的位置：%1</translation>
    </message>
    <message>
        <source>“%1” (%2) %3 %</source>
        <extracomment>One attended token: %1 its text, %2 its position, %3 the attention weight in percent.</extracomment>
        <translation>“%1”（%2）%3 %</translation>
    </message>
    <message>
        <source>“%1” (%2) attends most to: %3</source>
        <extracomment>%1 the selected token, %2 its position, %3 the list of attended tokens.</extracomment>
        <translation>“%1”（%2）最关注：%3</translation>
    </message>
</context>
<context>
    <name>qe::gui::ChatSession</name>
    <message>
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <source>Branch of %1</source>
        <extracomment>Title of a conversation branched from a token of another one; %1 is that one&apos;s title.</extracomment>
        <translation>%1 的分支</translation>
    </message>
</context>
<context>
    <name>qe::gui::ChatView</name>
    <message numerus="yes">
        <source>The %n oldest turn(s) of this conversation are no longer sent to the model, so that it fits the context.</source>
        <translation>
            <numerusform>此对话最早的 %n 轮已不再发送给模型，以便放入上下文。</numerusform>
        </translation>
    </message>
    <message>
        <source>Token probability under the model: %1 Hover a token for the alternatives; click it to select it in the inspector or to branch from an alternative.</source>
        <extracomment>Legend above the chat when tokens are coloured; %1 is a row of colour samples from 0% to 100%.</extracomment>
        <translation>模型给出的词元概率：%1 悬停在词元上查看备选；单击可在检查器中选中它，或从某个备选词元开始分支。</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationExport</name>
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
        <source>Thought for %1 s</source>
        <translation>思考了 %1 秒</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <source>Tool call:</source>
        <translation>工具调用：</translation>
    </message>
    <message>
        <source>Stopped before the end.</source>
        <translation>回复在结束前被停止。</translation>
    </message>
    <message>
        <source>Stopped at the token limit.</source>
        <translation>已达到词元上限。</translation>
    </message>
    <message>
        <source>Generation failed.</source>
        <translation>生成失败。</translation>
    </message>
    <message>
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <source>Stopped: the context is full.</source>
        <translation>已停止：上下文已满。</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationFile</name>
    <message>
        <source>not valid JSON: %1 (at byte %2)</source>
        <translation>不是有效的 JSON：%1（位于第 %2 字节）</translation>
    </message>
    <message>
        <source>not a Qwen Explorer conversation</source>
        <translation>不是 Qwen Explorer 对话</translation>
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
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>过去 30 天</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>更早</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationStore</name>
    <message>
        <source>The conversation folder %1 cannot be created.</source>
        <translation>无法创建对话文件夹 %1。</translation>
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
        <source>The reply was stopped.</source>
        <translation>回复已停止。</translation>
    </message>
    <message>
        <source>The reply stopped because of an internal error.</source>
        <translation>由于内部错误，回复已中止。</translation>
    </message>
    <message>
        <source>The GPU could not be used. Choose CPU as the backend and load the model again.</source>
        <translation>无法使用 GPU。请将后端选为 CPU，然后重新加载模型。</translation>
    </message>
    <message>
        <source>The reply stopped: the GPU reported an error. Choose CPU as the backend and load the model again to go on.</source>
        <translation>回复已停止：GPU 报告了错误。请将后端选为 CPU 并重新加载模型后继续。</translation>
    </message>
</context>
<context>
    <name>qe::gui::HeadGrid</name>
    <message>
        <source>entropy %1 nats</source>
        <translation>熵 %1 奈特</translation>
    </message>
    <message>
        <source>sink mass %1</source>
        <translation>汇聚质量 %1</translation>
    </message>
    <message>
        <source>Layer %1, head %2 (KV head %3)
%4</source>
        <extracomment>Tooltip of a cell of the layers × heads grid. %4 is a value such as &quot;entropy 1.2 nats&quot;.</extracomment>
        <translation>第 %1 层，第 %2 个头（KV 头 %3）
%4</translation>
    </message>
</context>
<context>
    <name>qe::gui::InspectorPanel</name>
    <message>
        <source>Export view as PNG</source>
        <translation>将视图导出为 PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Export diagnostics as JSON</source>
        <translation>将诊断数据导出为 JSON</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>The file could not be written.</source>
        <translation>无法写入该文件。</translation>
    </message>
    <message>
        <source>Context tokens (click one to inspect it; hover for the alternatives)</source>
        <translation>上下文词元（单击查看详情；悬停查看候选词元）</translation>
    </message>
    <message>
        <source>Follow latest</source>
        <translation>跟随最新</translation>
    </message>
    <message>
        <source>Select the newest token again as it streams</source>
        <translation>在流式输出时重新选中最新的词元</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>导出 JSON…</translation>
    </message>
    <message>
        <source>Save the numbers behind the current view</source>
        <translation>保存当前视图背后的数值</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>结构</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>各层</translation>
    </message>
    <message>
        <source>Logit lens</source>
        <translation>Logit 透镜</translation>
    </message>
    <message>
        <source>Kept hidden states: none (budget %1) — attention and logit lens unavailable</source>
        <extracomment>%1: memory budget, e.g. &quot;512 MiB&quot;.</extracomment>
        <translation>保留的隐藏状态：无（预算 %1）—— 注意力图和 logit 透镜不可用</translation>
    </message>
    <message>
        <source>Kept hidden states: %1 of %2 — positions %3–%4 available for the attention map and logit lens</source>
        <extracomment>%1 used of %2 budget; %3–%4: positions that can be inspected.</extracomment>
        <translation>保留的隐藏状态：%1 / %2 —— 位置 %3–%4 可用于注意力图和 logit 透镜</translation>
    </message>
    <message>
        <source>The attention map and the logit lens are recomputed from each layer&apos;s input kept for every position, within the diagnostics memory set in Settings (applies when a model is loaded).</source>
        <translation>注意力图和 logit 透镜由每个位置保留的各层输入重新计算，受设置中的诊断内存限制（加载模型时生效）。</translation>
    </message>
    <message>
        <source>Export diagnostics as CSV</source>
        <translation>将诊断数据导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Save the numbers behind the current view as CSV tables (the attention map adds a -heads file)</source>
        <extracomment>Tooltip of the CSV export; the attention map also writes a second file &quot;&lt;name&gt;-heads.csv&quot; for the head grid.</extracomment>
        <translation>把当前视图背后的数值保存为 CSV 表格（注意力图另附一个 -heads 文件）</translation>
    </message>
    <message>
        <source>Colour:</source>
        <extracomment>Label of the choice of what colours the context tokens.</extracomment>
        <translation>着色：</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Probability: each generated token by the probability the model gave it, red unlikely, green likely. Attention: every token by the weight the selected token gives it in the head the Attention tab shows, white none, blue the most.</source>
        <translation>概率：按模型给出的概率为每个生成的词元着色，红色表示不太可能，绿色表示很可能。注意力：按所选词元在“注意力”页所示注意力头中给每个词元的权重着色，白色为零，蓝色最多。</translation>
    </message>
</context>
<context>
    <name>qe::gui::LayerChartsView</name>
    <message>
        <source>Residual stream and MLP size after each layer for &quot;%1&quot; (position %2), log scale</source>
        <extracomment>%1: token text, %2: its position.</extracomment>
        <translation>“%1”（位置 %2）在每层之后的残差流与 MLP 大小，对数刻度</translation>
    </message>
    <message>
        <source>Generate a reply to see per-layer numbers.</source>
        <translation>生成一条回复即可查看各层数值。</translation>
    </message>
    <message>
        <source>Attention entropy per layer (rows) and head (columns): dark = focused on few tokens, bright = spread out</source>
        <translation>每层（行）每个头（列）的注意力熵：深色 = 集中于少数词元，亮色 = 分散</translation>
    </message>
</context>
<context>
    <name>qe::gui::LogitLensView</name>
    <message>
        <source>#%1</source>
        <translation>第 %1</translation>
    </message>
    <message>
        <source>after layer %1</source>
        <translation>第 %1 层之后</translation>
    </message>
    <message>
        <source>Token id %1, probability %2</source>
        <translation>词元 ID %1，概率 %2</translation>
    </message>
    <message>
        <source>The logit lens could not be computed: %1</source>
        <translation>无法计算 logit 透镜：%1</translation>
    </message>
    <message>
        <source>Select a token to see what each layer would predict next.</source>
        <translation>选中一个词元，查看每一层会预测的下一个词元。</translation>
    </message>
    <message>
        <source>Next-token predictions after each layer for &quot;%1&quot; (position %2): the residual stream put through the final norm and the LM head early.</source>
        <extracomment>%1: token text, %2: its position.</extracomment>
        <translation>“%1”（位置 %2）在每层之后的下一词元预测：把残差流提前送入最终归一化和语言模型头。</translation>
    </message>
    <message>
        <source>Position %1 is outside the kept hidden states: the diagnostics memory (%2) holds positions 0–%3 only. Raise it under Settings → Diagnostics memory and reload the model to inspect it.</source>
        <extracomment>%1: position; %2: memory budget; %3: how many positions fit it.</extracomment>
        <translation>位置 %1 不在保留的隐藏状态范围内：诊断内存（%2）只保存位置 0–%3。请在“设置 → 诊断内存”中调高，并重新加载模型后再查看。</translation>
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
        <source>Deleted &quot;%1&quot;.</source>
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
        <source>Lower &quot;Max new tokens&quot; or start a new conversation.</source>
        <translation>请调低“最大新词元数”，或开始新对话。</translation>
    </message>
    <message>
        <source>Context full</source>
        <translation>上下文已满</translation>
    </message>
    <message numerus="yes">
        <source>Leave out the %n oldest turn(s) so that it fits? They stay in the conversation but the model no longer sees them.</source>
        <translation>
            <numerusform>是否略去最早的 %n 轮对话以便放入上下文？这些内容仍保留在对话中，但模型将不再看到它们。</numerusform>
        </translation>
    </message>
    <message>
        <source>The prompt could not be built with the model&apos;s chat template.</source>
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
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>&amp;Inspector</source>
        <translation>检查器(&amp;I)</translation>
    </message>
    <message>
        <source>Layer &amp;structure</source>
        <translation>层结构(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Attention map</source>
        <translation>注意力图(&amp;A)</translation>
    </message>
    <message>
        <source>Per-&amp;layer charts</source>
        <translation>逐层图表(&amp;L)</translation>
    </message>
    <message>
        <source>Logit &amp;lens</source>
        <translation>Logit 透镜(&amp;L)</translation>
    </message>
    <message>
        <source>The branch could not be created.</source>
        <translation>无法创建分支。</translation>
    </message>
    <message>
        <source>The branch could not be continued: the reply&apos;s prompt cannot be built again as it was.</source>
        <translation>无法继续分支：无法按原样重建这条回复的提示词。</translation>
    </message>
    <message>
        <source>&amp;Colour tokens by probability</source>
        <translation>按概率为词元着色(&amp;C)</translation>
    </message>
    <message>
        <source>Show the replies token by token on the colour of each token&apos;s probability: red unlikely, green likely. Hover a token for the alternatives; click it to select it or to branch.</source>
        <translation>逐个词元显示回复，并按每个词元的概率着色：红色表示不太可能，绿色表示很可能。悬停在词元上查看备选；单击可选中它或从它开始分支。</translation>
    </message>
    <message>
        <source>conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Every version, for Import (*.json)</source>
        <translation>包含所有版本，可导入 (*.json)</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>The conversation could not be exported.</source>
        <translation>无法导出对话。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Conversations (*.json)</source>
        <translation>对话 (*.json)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the conversation as Markdown, or as JSON with every version</source>
        <translation>将对话保存为 Markdown，或保存为包含所有版本的 JSON</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Text size %1 %</source>
        <translation>文字大小 %1%</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Larger text everywhere, for reading from a distance or a projector</source>
        <translation>放大所有文字，便于远处或投影阅读</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Smaller text everywhere</source>
        <translation>缩小所有文字</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>The desktop&apos;s text size</source>
        <translation>恢复桌面的文字大小</translation>
    </message>
    <message>
        <source>The system prompt can be changed once the reply has finished.</source>
        <translation>回复完成后才能修改系统提示词。</translation>
    </message>
    <message>
        <source>New system prompt: the conversation starts again from its first message; the earlier version is one click away (‹ ›)</source>
        <translation>新的系统提示词：对话从第一条消息重新开始；之前的版本仍可一键查看（‹ ›）</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model reads before the conversation: a role, a language, a style. Empty: none.
In a conversation with replies, a change starts it again from its first message in a new branch; the earlier one stays reachable (‹ ›).</source>
        <translation>模型在对话之前读取的指示：角色、语言、风格。留空表示没有。
在已有回复的对话中，修改后会在新分支中从第一条消息重新开始；之前的分支仍可查看（‹ ›）。</translation>
    </message>
    <message>
        <source>&amp;System prompt…</source>
        <translation>系统提示词(&amp;S)…</translation>
    </message>
    <message>
        <source>Instructions the model reads before the conversation: a role, a language, a style</source>
        <translation>模型在对话之前读取的指示：角色、语言、风格</translation>
    </message>
    <message>
        <source>Export every conversation into</source>
        <translation>将所有对话导出到</translation>
    </message>
    <message>
        <source>The conversations could not be exported.</source>
        <translation>无法导出对话。</translation>
    </message>
    <message numerus="yes">
        <source>%n conversation(s) were written before it.</source>
        <translation>
            <numerusform>在此之前已写入 %n 个对话。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n conversation(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个对话导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be imported.</source>
        <translation>
            <numerusform>%n 个文件无法导入。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversation(s)</source>
        <translation>
            <numerusform>已导入 %n 个对话</numerusform>
        </translation>
    </message>
    <message>
        <source>Add conversations exported as JSON</source>
        <translation>添加以 JSON 导出的对话</translation>
    </message>
    <message>
        <source>Export &amp;all…</source>
        <translation>全部导出(&amp;A)…</translation>
    </message>
    <message>
        <source>Save every conversation as JSON into a folder, for a backup or another computer</source>
        <translation>将所有对话以 JSON 保存到文件夹，用于备份或在另一台电脑上使用</translation>
    </message>
    <message>
        <source>Export all</source>
        <translation>全部导出</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in %1 already have the name of a conversation.</source>
        <translation>
            <numerusform>%1 中已有 %n 个文件与对话同名。</numerusform>
        </translation>
    </message>
    <message>
        <source>Replace them, or keep them and write those conversations under new names (&quot;title (2).json&quot;, ...)?</source>
        <translation>替换这些文件，还是保留它们并以新文件名（“标题 (2).json”……）写出这些对话？</translation>
    </message>
    <message>
        <source>&amp;Keep both</source>
        <translation>都保留(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>替换(&amp;R)</translation>
    </message>
    <message>
        <source>Stop generating; the text so far is kept (Esc)</source>
        <translation>停止生成；已生成的文字会保留（Esc）</translation>
    </message>
    <message>
        <source>This conversation&apos;s prompt takes %1 tokens, and a reply needs room for %2 more, but the model&apos;s context holds %3.</source>
        <translation>此对话的提示占 %1 个词元，回复还需要 %2 个词元的空间，但模型的上下文只能容纳 %3 个词元。</translation>
    </message>
    <message>
        <source>The branch&apos;s prompt takes %1 tokens, and a reply needs room for %2 more, but the model&apos;s context holds %3. Lower &quot;Max new tokens&quot;.</source>
        <translation>此分支的提示占 %1 个词元，回复还需要 %2 个词元的空间，但模型的上下文只能容纳 %3 个词元。请调低“最大新词元数”。</translation>
    </message>
    <message>
        <source>The reply could not be inspected.</source>
        <translation>无法检查这条回复。</translation>
    </message>
    <message>
        <source>The inspector holds the reply being generated. Click this token again once it has finished.</source>
        <translation>检查器中是正在生成的回复。生成结束后请再次点击这个词元。</translation>
    </message>
    <message>
        <source>Load a model to inspect this reply.</source>
        <translation>请先加载模型，才能检查这条回复。</translation>
    </message>
    <message>
        <source>This reply comes from an older file that does not record its prompt, so it cannot be inspected. Regenerate it to inspect the new version.</source>
        <translation>这条回复来自未记录其提示词的旧文件，因此无法检查。重新生成后即可检查新版本。</translation>
    </message>
    <message>
        <source>This reply cannot be inspected.</source>
        <translation>无法检查这条回复。</translation>
    </message>
    <message numerus="yes">
        <source>Computing the diagnostics of this reply and its prompt, %Ln token(s)… Esc stops.</source>
        <translation>
            <numerusform>正在计算这条回复及其提示词的诊断数据，共 %Ln 个词元…… 按 Esc 停止。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Find conversation</source>
        <translation>查找对话(&amp;F)</translation>
    </message>
    <message>
        <source>Search the conversations&apos; titles and messages</source>
        <translation>在对话的标题和消息中搜索</translation>
    </message>
    <message>
        <source>Re&amp;generate last reply</source>
        <translation>重新生成最后的回复(&amp;G)</translation>
    </message>
    <message>
        <source>Generate another version of the last reply; the old one stays reachable</source>
        <translation>为最后的回复生成另一个版本；旧版本仍可查看</translation>
    </message>
    <message>
        <source>These are the diagnostics of %1, the model loaded now; %2 wrote this reply.</source>
        <translation>这些是当前加载的模型 %1 的诊断数据；这条回复由 %2 写成。</translation>
    </message>
    <message>
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <source>Replies now use seed %1 (Generation → Fixed seed)</source>
        <translation>之后的回复使用种子 %1（生成 → 固定种子）</translation>
    </message>
    <message>
        <source>The template “%1” set the sampling (Generation panel)</source>
        <translation>模板“%1”设置了采样参数（生成面板）</translation>
    </message>
</context>
<context>
    <name>qe::gui::MarkdownView</name>
    <message>
        <source>Copied</source>
        <extracomment>A code block&apos;s Copy button, for a moment after a click.</extracomment>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Copy this code to the clipboard</source>
        <translation>将这段代码复制到剪贴板</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
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
        <extracomment>Version switcher of a message: &quot;2/3&quot; = second of three versions.</extracomment>
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
        <translation>
            <numerusform>%n 个词元</numerusform>
        </translation>
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
    <message>
        <source>&quot;%1&quot; (token id %2)</source>
        <extracomment>Tooltip of a generated token: %1 its text, %2 its id in the vocabulary.</extracomment>
        <translation>“%1”（词元 ID %2）</translation>
    </message>
    <message>
        <source>probability %1%</source>
        <extracomment>Probability of a generated token in percent.</extracomment>
        <translation>概率 %1%</translation>
    </message>
    <message>
        <source>Most likely at this step:</source>
        <translation>这一步最可能的词元：</translation>
    </message>
    <message>
        <source>Click to select it in the inspector or to continue with an alternative.</source>
        <translation>单击可在检查器中选中它，或改用某个备选词元继续。</translation>
    </message>
    <message>
        <source>Continue in a new conversation with</source>
        <translation>在新对话中改用以下词元继续</translation>
    </message>
    <message>
        <source>&quot;%1&quot;  %2%</source>
        <extracomment>An alternative token in the branch menu: %1 its text, %2 its probability in percent.</extracomment>
        <translation>“%1”  %2%</translation>
    </message>
    <message>
        <source>Available once the generation has finished</source>
        <translation>生成结束后可用</translation>
    </message>
    <message>
        <source>Not available for replies saved by an older version</source>
        <translation>旧版本保存的回复不支持此功能</translation>
    </message>
    <message>
        <source>Change the system prompt; a conversation with replies starts again from its first message in a new branch, and the old one stays reachable</source>
        <translation>修改系统提示词；已有回复的对话会在新分支中从第一条消息重新开始，旧分支仍可查看</translation>
    </message>
    <message>
        <source>stopped: the context is full</source>
        <translation>已停止：上下文已满</translation>
    </message>
    <message>
        <source>Inspect</source>
        <extracomment>Button under a reply: show it in the inspector.</extracomment>
        <translation>检查</translation>
    </message>
    <message>
        <source>Show this reply in the inspector, token by token: where each token looks, the numbers of every layer, the logit lens</source>
        <translation>在检查器中逐个词元查看这条回复：每个词元关注哪里、每一层的数值、logit 透镜</translation>
    </message>
    <message>
        <source>seed %1</source>
        <extracomment>The seed a reply was sampled with, a link under the reply.</extracomment>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>Sampled greedily (always the most likely token).</source>
        <translation>贪心采样（总是选概率最高的词元）。</translation>
    </message>
    <message>
        <source>Sampled with temperature %1, top-p %2, top-k %3, min-p %4 and seed %5.</source>
        <extracomment>%1 temperature, %2 top-p, %3 top-k (0: off), %4 min-p, %5 the seed.</extracomment>
        <translation>采样参数：温度 %1，top-p %2，top-k %3，min-p %4，种子 %5。</translation>
    </message>
    <message>
        <source>Repetition penalty %1.</source>
        <translation>重复惩罚 %1。</translation>
    </message>
    <message>
        <source>Presence penalty %1.</source>
        <translation>存在惩罚 %1。</translation>
    </message>
    <message>
        <source>Click the seed to use it for the next replies: with the same prompt, model, backend and settings they come out the same.</source>
        <translation>点击种子即可在之后的回复中使用它：提示、模型、后端和设置都相同时，回复也完全相同。</translation>
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
    <message>
        <source>Built-in demo model</source>
        <translation>内置演示模型</translation>
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
        <extracomment>Memory: %1 weight file size, %2 KV-cache bytes per token, %3 the cache&apos;s number format (&quot;bf16&quot; or &quot;fp32&quot;).</extracomment>
        <translation>内存</translation>
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
        <source>Loaded in</source>
        <translation>加载用时</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Device</source>
        <extracomment>Where the model runs: the CPU with its threads, or the GPU&apos;s name.</extracomment>
        <translation>设备</translation>
    </message>
    <message>
        <source>Note</source>
        <extracomment>A remark on where the model runs, e.g. why the GPU is not used.</extracomment>
        <translation>说明</translation>
    </message>
    <message>
        <source>%1 weights + %2 per token of context (%3 KV cache)</source>
        <translation>权重 %1 + 每个上下文词元 %2（%3 KV 缓存）</translation>
    </message>
    <message>
        <source>Prompt processing</source>
        <extracomment>How the CPU multiplies a prompt&apos;s tokens by the weights (Settings → Prompt processing).</extracomment>
        <translation>提示词处理</translation>
    </message>
    <message>
        <source>bf16 on AMX tiles</source>
        <translation>bf16，AMX 矩阵单元</translation>
    </message>
    <message>
        <source>32-bit float</source>
        <translation>32 位浮点</translation>
    </message>
    <message numerus="yes">
        <source>CPU, %n thread(s), %1</source>
        <extracomment>%n CPU threads, %1 the instruction sets in use, e.g. &quot;avx512f+avx2+fma+f16c&quot;.</extracomment>
        <translation>
            <numerusform>CPU，%n 个线程，%1</numerusform>
        </translation>
    </message>
    <message>
        <source>The GPU&apos;s memory holds %1 of the model&apos;s %2 context positions.</source>
        <extracomment>%1 context positions the GPU&apos;s memory holds, %2 the model&apos;s own context length.</extracomment>
        <translation>GPU 显存可容纳模型 %2 个上下文位置中的 %1 个。</translation>
    </message>
    <message>
        <source>The GPU is not used: %1</source>
        <extracomment>%1: a technical reason from the engine, in English.</extracomment>
        <translation>未使用 GPU：%1</translation>
    </message>
    <message>
        <source>No NVIDIA driver found (libcuda.so.1): the model runs on the CPU.</source>
        <translation>未找到 NVIDIA 驱动（libcuda.so.1）：模型在 CPU 上运行。</translation>
    </message>
    <message>
        <source>This build has no GPU backend (libqe_cuda.so): the model runs on the CPU.</source>
        <translation>此版本没有 GPU 后端（libqe_cuda.so）：模型在 CPU 上运行。</translation>
    </message>
    <message>
        <source>AWQ 4-bit, groups of %1</source>
        <extracomment>A quantized checkpoint&apos;s linear layers (spec §7): 4-bit weights with a scale per group of %1 inputs.</extracomment>
        <translation>AWQ 4 位，每组 %1 个输入</translation>
    </message>
    <message>
        <source>FP8 e4m3, blocks of %1 × %2</source>
        <extracomment>8-bit floating-point weights with a scale per block of %1 × %2 weights.</extracomment>
        <translation>FP8 e4m3，%1 × %2 分块缩放</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <extracomment>A quantized model&apos;s weights: %1 the quantization (&quot;AWQ 4-bit, groups of 128&quot;), %2 the checkpoint&apos;s dtypes (&quot;F16+I32&quot;).</extracomment>
        <translation>%1（%2）</translation>
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
        <translation>
            <numerusform>缺少 %n 个权重分片。</numerusform>
        </translation>
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
        <extracomment>Template list entry: %1 name, %2 language code, %3 &quot;built-in&quot; or &quot;mine&quot;.</extracomment>
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
        <translation>
            <numerusform>最终提示词共 %n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>Load a model to count the prompt&apos;s tokens.</source>
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
        <source>Delete the template &quot;%1&quot;?</source>
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
    <name>qe::gui::RmsChart</name>
    <message>
        <source>residual RMS</source>
        <translation>残差 RMS</translation>
    </message>
    <message>
        <source>MLP activation RMS</source>
        <translation>MLP 激活 RMS</translation>
    </message>
    <message>
        <source>Layer %1
residual RMS %2
MLP activation RMS %3</source>
        <translation>第 %1 层
残差 RMS %2
MLP 激活 RMS %3</translation>
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
        <extracomment>Context meter: tokens used of the model&apos;s context limit.</extracomment>
        <translation>%1 / %2 个词元</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>The longest a reply may be, in tokens. A reply also stops when the model&apos;s context is full.</source>
        <translation>一条回复最多的词元数。模型的上下文满了时，回复也会停止。</translation>
    </message>
    <message>
        <source>Tokens this conversation uses of the model&apos;s context. While a reply streams: its prompt and the tokens so far. Then: the conversation as the next prompt holds it, without the thinking of earlier replies (the chat template leaves it out).</source>
        <translation>此对话占用的模型上下文词元数。回复生成时：它的提示词加上已生成的词元。之后：下一个提示词中的对话，不含之前回复的思考内容（聊天模板会省去它）。</translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation>固定种子</translation>
    </message>
    <message>
        <source>Off: each reply draws a new seed for its sampling. On: every reply uses this seed, so the same prompt, model, backend and settings give the same reply again. The line under a reply names its seed; click it to use it here.</source>
        <translation>关闭：每次回复都为采样抽取新的种子。开启：每次回复都使用这个种子，因此提示、模型、后端和设置相同时，会再次得到相同的回复。回复下方的信息行会写出它的种子；点击即可在这里使用。</translation>
    </message>
    <message>
        <source>Random</source>
        <extracomment>The seed box while &quot;Fixed seed&quot; is off.</extracomment>
        <translation>随机</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>存在惩罚</translation>
    </message>
    <message>
        <source>Lowers the score of every token the reply has already used, against endless repetition (0: off; Qwen uses 0 to 2, and 1.5 in its examples without thinking).</source>
        <translation>降低回复中已出现过的每个词元的分数，以避免无休止的重复（0：关闭；Qwen 使用 0 到 2，在不思考模式的示例中使用 1.5）。</translation>
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
    <message>
        <source>Diagnostics memory</source>
        <translation>诊断内存</translation>
    </message>
    <message>
        <source> MiB</source>
        <extracomment>Unit suffix of the diagnostics memory budget (mebibytes).</extracomment>
        <translation> MiB</translation>
    </message>
    <message>
        <source>None kept</source>
        <translation>不保留</translation>
    </message>
    <message>
        <source>Memory for the hidden states the attention map and the logit lens are recomputed from. Positions beyond it cannot be inspected. Applies when a model is loaded.</source>
        <translation>用于保存隐藏状态的内存，注意力图和 logit 透镜由这些状态重新计算。超出范围的位置无法查看。加载模型时生效。</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <source>32-bit float (exact)</source>
        <translation>32 位浮点（精确）</translation>
    </message>
    <message>
        <source>bf16 (half the memory)</source>
        <translation>bf16（内存减半）</translation>
    </message>
    <message>
        <source>How the CPU keeps the attention keys and values of the context. bf16 halves their memory and speeds up long chats, and changes the model&apos;s outputs slightly. The GPU always uses bf16. Applies when a model is loaded.</source>
        <translation>CPU 保存上下文中注意力键和值的格式。bf16 使其内存减半，并加快长对话，但会略微改变模型的输出。GPU 始终使用 bf16。加载模型时生效。</translation>
    </message>
    <message>
        <source>Prompt processing</source>
        <translation>提示词处理</translation>
    </message>
    <message>
        <source>bf16 on AMX (several times faster)</source>
        <translation>bf16，AMX 矩阵单元（快数倍）</translation>
    </message>
    <message>
        <source>bf16 on AMX (this CPU has no AMX)</source>
        <translation>bf16，AMX 矩阵单元（此 CPU 不支持 AMX）</translation>
    </message>
    <message>
        <source>How the CPU multiplies the tokens of a prompt by the weights. bf16 rounds the numbers going in to bf16 and runs on the AMX units of recent Intel Xeon processors: prompts are read several times faster, and the model&apos;s outputs change slightly. The tokens of a reply are computed in 32-bit float either way. Needs bf16 weights. Applies when a model is loaded.</source>
        <translation>CPU 如何将提示词的各个词元与权重相乘。bf16 会把输入的数值舍入为 bf16，并在新款 Intel Xeon 处理器的 AMX 单元上运行：读取提示词的速度快数倍，模型的输出会略有变化。无论哪种方式，回复中的词元都以 32 位浮点计算。需要 bf16 权重。在加载模型时生效。</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>None. Instructions every new conversation starts with: a role, a language, a style.</source>
        <translation>无。每个新对话开头的指示：角色、语言、风格。</translation>
    </message>
    <message>
        <source>The system prompt of new conversations. A conversation&apos;s own can be changed with Conversation → System prompt…</source>
        <translation>新对话的系统提示词。单个对话自己的系统提示词可在“对话 → 系统提示词…”中更改。</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>存在惩罚</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureDiagram</name>
    <message>
        <source>Token embedding</source>
        <translation>词元嵌入</translation>
    </message>
    <message>
        <source>RMSNorm (input_layernorm)</source>
        <translation>RMSNorm（input_layernorm）</translation>
    </message>
    <message>
        <source>Q, K, V projections</source>
        <translation>Q、K、V 投影</translation>
    </message>
    <message>
        <source>QK-norm: RMSNorm per head (q_norm, k_norm)</source>
        <translation>QK-norm：每个头的 RMSNorm（q_norm、k_norm）</translation>
    </message>
    <message>
        <source>RoPE: rotary position encoding</source>
        <translation>RoPE：旋转位置编码</translation>
    </message>
    <message>
        <source>Grouped-query attention: %1 query heads, %2 KV heads (%3 per group)</source>
        <extracomment>%1 query heads, %2 key/value heads, %3 query heads per KV head.</extracomment>
        <translation>分组查询注意力：%1 个查询头，%2 个 KV 头（每组 %3 个）</translation>
    </message>
    <message>
        <source>Output projection (o_proj)</source>
        <translation>输出投影（o_proj）</translation>
    </message>
    <message>
        <source>Add to the residual stream</source>
        <translation>加回残差流</translation>
    </message>
    <message>
        <source>RMSNorm (post_attention_layernorm)</source>
        <translation>RMSNorm（post_attention_layernorm）</translation>
    </message>
    <message>
        <source>SwiGLU MLP: down(silu(gate(x)) · up(x))</source>
        <translation>SwiGLU MLP：down(silu(gate(x)) · up(x))</translation>
    </message>
    <message>
        <source>Final RMSNorm</source>
        <translation>最终 RMSNorm</translation>
    </message>
    <message>
        <source>LM head (tied: reuses the embedding matrix)</source>
        <translation>语言模型头（绑定：复用嵌入矩阵）</translation>
    </message>
    <message>
        <source>LM head (lm_head)</source>
        <translation>语言模型头（lm_head）</translation>
    </message>
    <message>
        <source>× %1 decoder layers</source>
        <translation>× %1 个解码器层</translation>
    </message>
    <message>
        <source>%1 · %2 parameters · %3</source>
        <extracomment>Detail line of a block with weights: %1 tensor shapes, %2 parameters, %3 bytes.</extracomment>
        <translation>%1 · %2 个参数 · %3</translation>
    </message>
    <message>
        <source>no weights · θ = %1 · rotates pairs of the %2 dimensions of each q and k head</source>
        <extracomment>%1: RoPE base frequency theta, %2: head dimension.</extracomment>
        <translation>无权重 · θ = %1 · 旋转每个 q、k 头 %2 个维度中的成对维度</translation>
    </message>
    <message>
        <source>no weights · softmax(q·kᵀ/√%1 + causal mask)·v · KV cache %2 per token and layer (BF16)</source>
        <extracomment>%1: bytes of keys and values one token stores in one layer&apos;s KV cache.</extracomment>
        <translation>无权重 · softmax(q·kᵀ/√%1 + 因果掩码)·v · 每个词元每层 KV 缓存 %2（BF16）</translation>
    </message>
    <message>
        <source>no weights · x + f(x), width %1</source>
        <translation>无权重 · x + f(x)，宽度 %1</translation>
    </message>
    <message>
        <source>%1 · shares the embedding&apos;s parameters</source>
        <translation>%1 · 与嵌入共享参数</translation>
    </message>
    <message>
        <source>%1 parameters per layer, %2 in all layers</source>
        <extracomment>%1 parameters per layer; %2 parameters of all layers.</extracomment>
        <translation>每层 %1 个参数，所有层共 %2 个</translation>
    </message>
    <message>
        <source>Live: bar height = time per layer, colour = residual RMS after the layer (selected token)</source>
        <translation>实时：柱高 = 每层耗时，颜色 = 该层之后的残差 RMS（所选词元）</translation>
    </message>
    <message>
        <source>Per-layer time and residual RMS appear here while the loaded model generates.</source>
        <translation>已加载的模型生成时，这里会显示每层耗时和残差 RMS。</translation>
    </message>
    <message>
        <source>Layer %1: %2 ms, residual RMS %3</source>
        <translation>第 %1 层：%2 毫秒，残差 RMS %3</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureExplanation</name>
    <message>
        <source>&lt;b&gt;Token embedding&lt;/b&gt;&lt;p&gt;Each token id picks one row of a vocabulary × hidden matrix: x₀ = E[id]. This vector starts the &lt;i&gt;residual stream&lt;/i&gt; that every layer reads from and adds to.&lt;/p&gt;</source>
        <translation>&lt;b&gt;词元嵌入&lt;/b&gt;&lt;p&gt;每个词元 ID 选取“词表 × 隐藏维度”矩阵中的一行：x₀ = E[id]。这个向量是&lt;i&gt;残差流&lt;/i&gt;的起点，之后每一层都从中读取并向其中累加。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;RMSNorm&lt;/b&gt;&lt;p&gt;y = x / √(mean(x²) + ε) · g. It rescales a vector to a fixed size and then weights each dimension with the learned gain g. Unlike LayerNorm it does not subtract the mean, which is cheaper and works as well. Qwen3 normalizes &lt;i&gt;before&lt;/i&gt; each sublayer (pre-norm), so the residual stream itself is never squashed and deep stacks train stably.&lt;/p&gt;</source>
        <translation>&lt;b&gt;RMSNorm&lt;/b&gt;&lt;p&gt;y = x / √(mean(x²) + ε) · g。它把向量缩放到固定大小，再用学习到的增益 g 为每个维度加权。与 LayerNorm 不同，它不减去均值，计算更省而效果相当。Qwen3 在每个子层&lt;i&gt;之前&lt;/i&gt;做归一化（pre-norm），因此残差流本身不会被压缩，深层网络训练更稳定。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Query, key and value projections&lt;/b&gt;&lt;p&gt;q = W_q·x, k = W_k·x, v = W_v·x, split into heads. A query asks &quot;what am I looking for&quot;, a key says &quot;what do I contain&quot;, a value is what gets passed on. Keys and values of every token are kept in the KV cache so later tokens can attend to them without recomputing.&lt;/p&gt;</source>
        <translation>&lt;b&gt;查询、键和值投影&lt;/b&gt;&lt;p&gt;q = W_q·x，k = W_k·x，v = W_v·x，再拆分成多个头。查询表示“我在找什么”，键表示“我包含什么”，值是要传递出去的内容。每个词元的键和值都保存在 KV 缓存中，后面的词元可以直接关注它们而无需重新计算。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;QK-norm&lt;/b&gt;&lt;p&gt;Qwen3 applies an RMSNorm to every query head and every key head (over the head dimension) before RoPE. This keeps q·k from growing huge, so attention logits stay in a sane range and softmax does not saturate; it replaces the QKV bias of Qwen2 and makes training more stable.&lt;/p&gt;</source>
        <translation>&lt;b&gt;QK-norm&lt;/b&gt;&lt;p&gt;Qwen3 在 RoPE 之前对每个查询头和每个键头（在头维度上）做 RMSNorm。这样 q·k 不会变得过大，注意力 logits 保持在合理范围，softmax 不会饱和；它取代了 Qwen2 的 QKV 偏置，使训练更稳定。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;RoPE (rotary position embedding)&lt;/b&gt;&lt;p&gt;Pairs of dimensions of q and k are rotated by an angle pos·θ^(−2i/d). The dot product q·k then depends only on the &lt;i&gt;distance&lt;/i&gt; between two tokens, so the model learns relative positions, and no position vector is added to the residual stream.&lt;/p&gt;</source>
        <translation>&lt;b&gt;RoPE（旋转位置编码）&lt;/b&gt;&lt;p&gt;q 和 k 的成对维度按角度 pos·θ^(−2i/d) 旋转。这样 q·k 只取决于两个词元之间的&lt;i&gt;距离&lt;/i&gt;，模型学到的是相对位置，也不需要往残差流中加入位置向量。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Grouped-query attention (GQA)&lt;/b&gt;&lt;p&gt;Each query head computes softmax(q·kᵀ/√d)·v over all earlier tokens (causal mask). Several query heads share one key/value head: here %1 query heads use %2 KV heads, so the KV cache is %3× smaller than with one KV head per query head, which saves memory and bandwidth at long contexts with little loss in quality.&lt;/p&gt;</source>
        <translation>&lt;b&gt;分组查询注意力（GQA）&lt;/b&gt;&lt;p&gt;每个查询头对之前的所有词元计算 softmax(q·kᵀ/√d)·v（因果掩码）。多个查询头共享一个键/值头：这里 %1 个查询头使用 %2 个 KV 头，因此 KV 缓存比每个查询头各有一个 KV 头时小 %3 倍，在长上下文下节省内存和带宽，而质量损失很小。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Output projection&lt;/b&gt;&lt;p&gt;The heads&apos; outputs are concatenated and mixed back to the hidden size: o = W_o·[head₁ … headₙ]. This is what the attention sublayer adds to the residual stream.&lt;/p&gt;</source>
        <translation>&lt;b&gt;输出投影&lt;/b&gt;&lt;p&gt;各个头的输出拼接后再混合回隐藏维度：o = W_o·[head₁ … headₙ]。这就是注意力子层加到残差流上的内容。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Residual stream&lt;/b&gt;&lt;p&gt;x ← x + f(norm(x)). Every sublayer only &lt;i&gt;adds&lt;/i&gt; its result to the running vector instead of replacing it. Information can flow straight from the embedding to the LM head, each layer makes a small edit, and gradients pass through deep stacks. The residual RMS chart shows how this vector grows layer by layer.&lt;/p&gt;</source>
        <translation>&lt;b&gt;残差流&lt;/b&gt;&lt;p&gt;x ← x + f(norm(x))。每个子层只是把结果&lt;i&gt;加&lt;/i&gt;到这个向量上，而不是替换它。信息可以从嵌入直接流到语言模型头，每一层只做小幅修改，梯度也能穿过很深的网络。残差 RMS 图显示这个向量逐层增长的情况。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;SwiGLU MLP&lt;/b&gt;&lt;p&gt;y = W_down · (silu(W_gate·x) ⊙ W_up·x), silu(z) = z·σ(z). The gate decides, per hidden unit, how much of the up-projection passes. Gated units learn better than a plain ReLU MLP for the same compute; this is where most of the parameters live and where much factual knowledge is stored.&lt;/p&gt;</source>
        <translation>&lt;b&gt;SwiGLU MLP&lt;/b&gt;&lt;p&gt;y = W_down · (silu(W_gate·x) ⊙ W_up·x)，silu(z) = z·σ(z)。门控为每个隐藏单元决定上投影有多少能通过。在相同计算量下，门控单元比普通 ReLU MLP 学得更好；模型的大部分参数都在这里，许多事实知识也存储在这里。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;LM head (tied)&lt;/b&gt;&lt;p&gt;logits = E·x: the next-token scores reuse the embedding matrix transposed. Small Qwen3 models tie them to save vocabulary × hidden parameters, a large share of a small model.&lt;/p&gt;</source>
        <translation>&lt;b&gt;语言模型头（绑定）&lt;/b&gt;&lt;p&gt;logits = E·x：下一词元的得分复用嵌入矩阵的转置。小型 Qwen3 模型采用绑定，以节省“词表 × 隐藏维度”个参数，这在小模型中占很大比例。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;LM head (untied)&lt;/b&gt;&lt;p&gt;logits = W_lm·x with its own matrix. Larger Qwen3 models keep input and output embeddings separate: the extra parameters are a small share of the model and give the output side its own freedom.&lt;/p&gt;</source>
        <translation>&lt;b&gt;语言模型头（不绑定）&lt;/b&gt;&lt;p&gt;logits = W_lm·x，使用独立的矩阵。较大的 Qwen3 模型让输入嵌入和输出嵌入分开：额外参数只占模型的一小部分，却让输出端有自己的自由度。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Decoder layers&lt;/b&gt;&lt;p&gt;The same block repeated %1 times, each with its own weights: attention lets tokens read from each other, the MLP transforms each token on its own. The strip shows the time each layer took for the last forward pass and the residual RMS after it.&lt;/p&gt;</source>
        <translation>&lt;b&gt;解码器层&lt;/b&gt;&lt;p&gt;同一个模块重复 %1 次，每次都有自己的权重：注意力让词元互相读取信息，MLP 则对每个词元单独变换。下方条带显示上一次前向计算中每层的耗时以及该层之后的残差 RMS。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;For this model: each token stores %2 of keys and values over its %1 layers instead of %3; at the full context of %4 tokens that is %5 instead of %6.&lt;/p&gt;</source>
        <extracomment>%1 layers, %2 KV bytes per token with GQA, %3 without (one KV head per query head), %4 context length, %5 and %6 the same at that context.</extracomment>
        <translation>&lt;p&gt;对这个模型：每个词元在 %1 层中共存储 %2 的键和值，而不是 %3；在 %4 个词元的完整上下文下，是 %5 而不是 %6。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Per head h: q_h ← q_h / √(mean(q_h²) + ε) · g_q and k_h ← k_h / √(mean(k_h²) + ε) · g_k, where the gains g_q and g_k have %1 values each, shared by all heads of the layer.&lt;/p&gt;</source>
        <translation>&lt;p&gt;对每个头 h：q_h ← q_h / √(mean(q_h²) + ε) · g_q，k_h ← k_h / √(mean(k_h²) + ε) · g_k；增益 g_q 和 g_k 各有 %1 个值，由该层所有头共享。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureTourPanel</name>
    <message>
        <source>Step %1 of %2</source>
        <extracomment>Tour step counter, e.g. &quot;Step 7 of 53&quot;.</extracomment>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Previous step (Left, Page Up)</source>
        <translation>上一步（左方向键、Page Up）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Next step (Right, Space, Page Down)</source>
        <translation>下一步（右方向键、空格、Page Down）</translation>
    </message>
    <message>
        <source>Next layer ▶▶</source>
        <translation>下一层 ▶▶</translation>
    </message>
    <message>
        <source>Skip to the next layer (Ctrl+Right; Ctrl+Left goes back one layer)</source>
        <translation>跳到下一层（Ctrl+右；Ctrl+左 返回上一层）</translation>
    </message>
    <message>
        <source>Last layer</source>
        <translation>最后一层</translation>
    </message>
    <message>
        <source>Skip to the last decoder layer (End goes to the last step, Home to the first)</source>
        <translation>跳到最后一个解码层（End 到最后一步，Home 到第一步）</translation>
    </message>
    <message>
        <source>End tour</source>
        <translation>结束导览</translation>
    </message>
    <message>
        <source>End the tour (Escape)</source>
        <translation>结束导览（Esc）</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureView</name>
    <message>
        <source>Loaded model</source>
        <translation>已加载的模型</translation>
    </message>
    <message>
        <source>Tiny test model</source>
        <translation>微型测试模型</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 parameters&lt;/b&gt; (%2 without the embedding)</source>
        <translation>&lt;b&gt;%1 个参数&lt;/b&gt;（不含嵌入为 %2 个）</translation>
    </message>
    <message>
        <source>Weights: %1 in %2</source>
        <extracomment>%1: size of the weights, %2: data type such as bfloat16.</extracomment>
        <translation>权重：%1，类型 %2</translation>
    </message>
    <message numerus="yes">
        <source>Current context: %n token(s) → %1 (BF16), %2 (FP32)</source>
        <extracomment>%n tokens in the current context; %1 and %2: the KV cache they need in BF16 and in FP32.</extracomment>
        <translation>
            <numerusform>当前上下文：%n 个词元 → %1（BF16），%2（FP32）</numerusform>
        </translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>&lt;p&gt;Click a block of the diagram to see what it computes and why Qwen3 has it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;单击图中的模块，查看它计算什么以及 Qwen3 为什么采用它。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Start tour</source>
        <translation>开始导览</translation>
    </message>
    <message>
        <source>Step through the forward pass of the selected token block by block, with its live numbers (F5)</source>
        <extracomment>Tooltip of the guided tour button; F5 is its shortcut.</extracomment>
        <translation>逐个模块走一遍所选词元的前向计算，并显示它的实时数值（F5）</translation>
    </message>
    <message>
        <source>KV cache per token: %1 (BF16), %2 (FP32)</source>
        <extracomment>KV cache: %1 bytes per token in BF16 (the GPU&apos;s cache, the CPU&apos;s when chosen in Settings), %2 in FP32 (the CPU&apos;s default).</extracomment>
        <translation>每个词元的 KV 缓存：%1（BF16），%2（FP32）</translation>
    </message>
    <message>
        <source>Weights: %1, linear layers in %2, the rest in %3</source>
        <extracomment>%1: size of the weights as stored, %2: the linear layers&apos; quantization (&quot;AWQ 4-bit, groups of 128&quot;), %3: the other tensors&apos; data type such as float16.</extracomment>
        <translation>权重：%1，线性层为 %2，其余为 %3</translation>
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
        <source>Keep the user&apos;s setting</source>
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
        <source>The id and language may only hold letters, digits, &apos;-&apos; and &apos;_&apos;.</source>
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
    <message>
        <source>Its own: temperature %1, top-p %2, top-k %3, min-p %4, presence penalty %5</source>
        <extracomment>A template&apos;s own sampling values: %1 temperature, %2 top-p, %3 top-k, %4 min-p, %5 presence penalty.</extracomment>
        <translation>模板自带：温度 %1，top-p %2，top-k %3，min-p %4，存在惩罚 %5</translation>
    </message>
</context>
<context>
    <name>qe::gui::TensorHistogram</name>
    <message>
        <source>[%1, %2): %3 values</source>
        <extracomment>Histogram bin tooltip: %1 and %2 the bin&apos;s value range, %3 how many values fall in it.</extracomment>
        <translation>[%1, %2)：%3 个值</translation>
    </message>
</context>
<context>
    <name>qe::gui::TensorStatsPanel</name>
    <message>
        <source>lm_head (tied: embed_tokens)</source>
        <extracomment>Entry of the tensor chooser for a tied LM head, which reads the embedding matrix.</extracomment>
        <translation>lm_head（共享：embed_tokens）</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 %3 · %4 values</source>
        <extracomment>Tensor statistics header: %1 tensor name, %2 dtype (BF16…), %3 shape, %4 number of values.</extracomment>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 %3 · %4 个值</translation>
    </message>
    <message>
        <source>mean %1 · std %2 · min %3 · max %4</source>
        <extracomment>Population standard deviation; all four numbers leave out NaN and infinite values.</extracomment>
        <translation>均值 %1 · 标准差 %2 · 最小值 %3 · 最大值 %4</translation>
    </message>
    <message>
        <source>No NaN or infinite values.</source>
        <translation>没有 NaN 或无穷大值。</translation>
    </message>
    <message>
        <source>%1 NaN or infinite values, left out of the numbers above.</source>
        <translation>%1 个 NaN 或无穷大值，未计入以上数值。</translation>
    </message>
    <message>
        <source>Click a block with weights to see the statistics of its tensors.</source>
        <translation>单击一个带权重的模块，查看其张量的统计数据。</translation>
    </message>
    <message>
        <source>Statistics need loaded weights: load a model and choose “Loaded model” above. A preset is only a config.</source>
        <translation>统计数据需要已加载的权重：请加载一个模型，并在上方选择“已加载的模型”。预设只是一份配置。</translation>
    </message>
    <message>
        <source>This block has no weights of its own.</source>
        <translation>这个模块没有自己的权重。</translation>
    </message>
    <message>
        <source>Computing the statistics of %1…</source>
        <extracomment>%1: tensor name.</extracomment>
        <translation>正在计算 %1 的统计数据…</translation>
    </message>
    <message>
        <source>The statistics could not be computed: %1</source>
        <extracomment>%1: technical error message.</extracomment>
        <translation>无法计算统计数据：%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tensor statistics&lt;/b&gt;</source>
        <translation>&lt;b&gt;张量统计&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Tensor:</source>
        <translation>张量：</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Bar heights grow with log(1 + count), so rare values in the tails stay visible.</source>
        <translation>柱高按 log(1 + 计数) 增长，使尾部的少见值仍然可见。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, dequantized: %3 · %4 values</source>
        <extracomment>Tensor statistics header of a quantized layer: %1 tensor name, %2 its quantization (&quot;AWQ 4-bit, groups of 128&quot;), %3 shape, %4 number of values. The numbers below are of the dequantized weights.</extracomment>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2，反量化后：%3 · %4 个值</translation>
    </message>
</context>
<context>
    <name>qe::gui::TokenStrip</name>
    <message>
        <source>&quot;%1&quot; at position %2 (id %3)</source>
        <extracomment>Tooltip header of a token: %1 token text, %2 position, %3 token id.</extracomment>
        <translation>位置 %2 的“%1”（ID %3）</translation>
    </message>
    <message>
        <source>prompt token</source>
        <translation>提示词元</translation>
    </message>
    <message>
        <source>probability %1%</source>
        <translation>概率 %1%</translation>
    </message>
    <message>
        <source>Most likely at this step:</source>
        <translation>这一步最可能的词元：</translation>
    </message>
    <message>
        <source>attention from &quot;%1&quot; (%2) in layer %3, head %4: %5%</source>
        <extracomment>%1 the selected token, %2 its position, %3 layer, %4 head, %5 the weight in percent.</extracomment>
        <translation>来自“%1”（%2）在第 %3 层、第 %4 个头的注意力：%5%</translation>
    </message>
</context>
</TS>
