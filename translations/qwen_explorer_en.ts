<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>BackendChoice</name>
    <message>
        <source>Automatic</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <extracomment>The CUDA backend on an NVIDIA graphics card.</extracomment>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>Where the model runs; applies to the next model load. Automatic uses the GPU when the model fits in its memory, else the CPU.</source>
        <translation>Where the model runs; applies to the next model load. Automatic uses the GPU when the model fits in its memory, else the CPU.</translation>
    </message>
    <message>
        <source>GPU: %1</source>
        <translation>GPU: %1</translation>
    </message>
    <message>
        <source>No GPU available: %1</source>
        <extracomment>%1: the technical reason, in English.</extracomment>
        <translation>No GPU available: %1</translation>
    </message>
</context>
<context>
    <name>StructureTour</name>
    <message>
        <source>The token</source>
        <translation>The token</translation>
    </message>
    <message>
        <source>Embedding lookup</source>
        <translation>Embedding lookup</translation>
    </message>
    <message>
        <source>Input RMSNorm</source>
        <translation>Input RMSNorm</translation>
    </message>
    <message>
        <source>Query, key and value projections</source>
        <translation>Query, key and value projections</translation>
    </message>
    <message>
        <source>QK-norm</source>
        <translation>QK-norm</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>Grouped-query attention</source>
        <translation>Grouped-query attention</translation>
    </message>
    <message>
        <source>Output projection</source>
        <translation>Output projection</translation>
    </message>
    <message>
        <source>Residual add after attention</source>
        <translation>Residual add after attention</translation>
    </message>
    <message>
        <source>Post-attention RMSNorm</source>
        <translation>Post-attention RMSNorm</translation>
    </message>
    <message>
        <source>SwiGLU MLP</source>
        <translation>SwiGLU MLP</translation>
    </message>
    <message>
        <source>Residual add after the MLP</source>
        <translation>Residual add after the MLP</translation>
    </message>
    <message>
        <source>Final RMSNorm</source>
        <translation>Final RMSNorm</translation>
    </message>
    <message>
        <source>LM head (tied)</source>
        <translation>LM head (tied)</translation>
    </message>
    <message>
        <source>LM head (untied)</source>
        <translation>LM head (untied)</translation>
    </message>
    <message>
        <source>The next token</source>
        <translation>The next token</translation>
    </message>
    <message>
        <source>Layer %1 (of %2): %3</source>
        <extracomment>Tour heading inside a decoder layer. %1: layer index (from 0), %2: number of layers, %3: block name.</extracomment>
        <translation>Layer %1 (of %2): %3</translation>
    </message>
    <message>
        <source>&lt;b&gt;The token&lt;/b&gt;&lt;p&gt;The tokenizer has cut the text into tokens from a vocabulary of %1. The model never sees letters, only the token id. This tour follows one token through the whole forward pass and shows its own numbers wherever the inspector has them.&lt;/p&gt;</source>
        <translation>&lt;b&gt;The token&lt;/b&gt;&lt;p&gt;The tokenizer has cut the text into tokens from a vocabulary of %1. The model never sees letters, only the token id. This tour follows one token through the whole forward pass and shows its own numbers wherever the inspector has them.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;The next token&lt;/b&gt;&lt;p&gt;Softmax turns the logits z into probabilities pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T) (T: the temperature); the sampler draws one token, which is appended to the context and fed in again. One forward pass per token: this loop is how the model writes.&lt;/p&gt;</source>
        <translation>&lt;b&gt;The next token&lt;/b&gt;&lt;p&gt;Softmax turns the logits z into probabilities pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T) (T: the temperature); the sampler draws one token, which is appended to the context and fed in again. One forward pass per token: this loop is how the model writes.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;This token&apos;s live numbers for this step appear here after a generation with the loaded model: choose “Loaded model” above, generate a reply and select a token.&lt;/i&gt;</source>
        <translation>&lt;i&gt;This token&apos;s live numbers for this step appear here after a generation with the loaded model: choose “Loaded model” above, generate a reply and select a token.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>E has %1 rows of %2 numbers; x₀ is one of these rows.</source>
        <extracomment>%1 vocabulary size, %2 hidden size.</extracomment>
        <translation>E has %1 rows of %2 numbers; x₀ is one of these rows.</translation>
    </message>
    <message>
        <source>ε = %1; the gain g has %2 values.</source>
        <translation>ε = %1; the gain g has %2 values.</translation>
    </message>
    <message>
        <source>From %4 numbers: q = %1 heads × %2, k = %3 heads × %2, v = %3 heads × %2.</source>
        <extracomment>%1 query heads, %2 head dimension, %3 KV heads, %4 hidden size.</extracomment>
        <translation>From %4 numbers: q = %1 heads × %2, k = %3 heads × %2, v = %3 heads × %2.</translation>
    </message>
    <message>
        <source>%1 query heads and %2 key heads, each normalized over its own %3 dimensions.</source>
        <translation>%1 query heads and %2 key heads, each normalized over its own %3 dimensions.</translation>
    </message>
    <message>
        <source>θ = %1, d = %2: the fastest pair turns by 1 rad per position, the slowest by %3 rad (one full turn every %4 positions).</source>
        <extracomment>%1 θ, %2 head dimension, %3 radians per position of the slowest pair, %4 positions for one turn.</extracomment>
        <translation>θ = %1, d = %2: the fastest pair turns by 1 rad per position, the slowest by %3 rad (one full turn every %4 positions).</translation>
    </message>
    <message>
        <source>YaRN stretches the slow frequencies by a factor of %1 beyond %2 positions.</source>
        <translation>YaRN stretches the slow frequencies by a factor of %1 beyond %2 positions.</translation>
    </message>
    <message>
        <source>This token is at position %1: its fastest pair is turned by %2 rad, its slowest by %3 rad.</source>
        <extracomment>%1 position, %2 angle of the fastest pair, %3 angle of the slowest pair (radians).</extracomment>
        <translation>This token is at position %1: its fastest pair is turned by %2 rad, its slowest by %3 rad.</translation>
    </message>
    <message>
        <source>%1 query heads in %2 groups: each group of %3 query heads reads the keys and values of one KV head.</source>
        <extracomment>%1 query heads, %2 KV heads, %3 query heads per KV head.</extracomment>
        <translation>%1 query heads in %2 groups: each group of %3 query heads reads the keys and values of one KV head.</translation>
    </message>
    <message>
        <source>%1 numbers (all heads side by side) → %2 numbers.</source>
        <translation>%1 numbers (all heads side by side) → %2 numbers.</translation>
    </message>
    <message>
        <source>%1 → %2 hidden units (gate and up) → %1 (down).</source>
        <extracomment>%1 hidden size, %2 intermediate size.</extracomment>
        <translation>%1 → %2 hidden units (gate and up) → %1 (down).</translation>
    </message>
    <message>
        <source>%1 scores, one per vocabulary entry, from the embedding matrix E (no extra parameters).</source>
        <translation>%1 scores, one per vocabulary entry, from the embedding matrix E (no extra parameters).</translation>
    </message>
    <message>
        <source>%1 scores, one per vocabulary entry, from its own matrix of %2 parameters.</source>
        <translation>%1 scores, one per vocabulary entry, from its own matrix of %2 parameters.</translation>
    </message>
    <message>
        <source>Position %1: %2 (token id %3), part of the prompt.</source>
        <translation>Position %1: %2 (token id %3), part of the prompt.</translation>
    </message>
    <message>
        <source>Position %1: %2 (token id %3), generated with probability %4.</source>
        <translation>Position %1: %2 (token id %3), generated with probability %4.</translation>
    </message>
    <message>
        <source>This token: x₀ = E[%1].</source>
        <translation>This token: x₀ = E[%1].</translation>
    </message>
    <message>
        <source>The residual stream coming into layer %1 has RMS %2.</source>
        <translation>The residual stream coming into layer %1 has RMS %2.</translation>
    </message>
    <message>
        <source>RMS of silu(gate)·up for this token: %1; the residual stream after this layer: %2.</source>
        <extracomment>%1 RMS of silu(gate)·up, %2 residual RMS after the layer.</extracomment>
        <translation>RMS of silu(gate)·up for this token: %1; the residual stream after this layer: %2.</translation>
    </message>
    <message>
        <source>Residual RMS after layer %1: %2.</source>
        <translation>Residual RMS after layer %1: %2.</translation>
    </message>
    <message>
        <source>%1× the RMS before this layer.</source>
        <extracomment>%1 ratio of the residual RMS after and before this layer.</extracomment>
        <translation>%1× the RMS before this layer.</translation>
    </message>
    <message>
        <source>Input: the residual stream after layer %1, RMS %2.</source>
        <translation>Input: the residual stream after layer %1, RMS %2.</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>Head</translation>
    </message>
    <message>
        <source>KV head</source>
        <translation>KV head</translation>
    </message>
    <message>
        <source>Entropy (nats)</source>
        <translation>Entropy (nats)</translation>
    </message>
    <message>
        <source>Sink</source>
        <translation>Sink</translation>
    </message>
    <message>
        <source>This token attends to %1 token(s). Mean entropy %2 nats (attending evenly would be %3); sink = attention on the first token.</source>
        <extracomment>%1 number of tokens attended to, %2 mean entropy, %3 ln(tokens): the entropy of attending evenly.</extracomment>
        <translation>This token attends to %1 token(s). Mean entropy %2 nats (attending evenly would be %3); sink = attention on the first token.</translation>
    </message>
    <message>
        <source>%1 (position %2) %3</source>
        <extracomment>One attended token: %1 token text, %2 its position, %3 attention weight.</extracomment>
        <translation>%1 (position %2) %3</translation>
    </message>
    <message>
        <source>Head %1 (the one open in the Attention tab) looks most at: %2.</source>
        <extracomment>%1 head, %2 list of tokens with their attention weight.</extracomment>
        <translation>Head %1 (the one open in the Attention tab) looks most at: %2.</translation>
    </message>
    <message>
        <source>&lt;i&gt;The logit lens of this token (what the LM head would say after each layer) appears here once the engine has computed it, after the generation.&lt;/i&gt;</source>
        <translation>&lt;i&gt;The logit lens of this token (what the LM head would say after each layer) appears here once the engine has computed it, after the generation.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>after layer %1: %2</source>
        <extracomment>Logit lens line: %1 layer, %2 most likely next token with its probability.</extracomment>
        <translation>after layer %1: %2</translation>
    </message>
    <message>
        <source>Logit lens, the top guess for the next token if the model stopped early:</source>
        <translation>Logit lens, the top guess for the next token if the model stopped early:</translation>
    </message>
    <message>
        <source>No token follows this position yet.</source>
        <translation>No token follows this position yet.</translation>
    </message>
    <message>
        <source>The next token, %1, came from the prompt: nothing was sampled here.</source>
        <translation>The next token, %1, came from the prompt: nothing was sampled here.</translation>
    </message>
    <message>
        <source>Sampled: %1 (token id %2) with probability %3.</source>
        <extracomment>%1 sampled token, %2 its id, %3 its probability.</extracomment>
        <translation>Sampled: %1 (token id %2) with probability %3.</translation>
    </message>
    <message>
        <source>The most likely tokens were: %1.</source>
        <translation>The most likely tokens were: %1.</translation>
    </message>
</context>
<context>
    <name>qe::gui::AttentionHeatmap</name>
    <message>
        <source>&quot;%1&quot; (%2) → &quot;%3&quot; (%4)
attention %5</source>
        <extracomment>Tooltip of the attention heatmap: query token %1 at position %2 attends to key token %3 at %4 with weight %5.</extracomment>
        <translation>&quot;%1&quot; (%2) → &quot;%3&quot; (%4)
attention %5</translation>
    </message>
    <message>
        <source>Queries %1–%2 → keys %3–%4
max %5, mean %6 (zoom in for single tokens)</source>
        <extracomment>Tooltip of an aggregated tile of the attention heatmap: query positions %1–%2 over key positions %3–%4; the largest and the mean attention weight in the tile.</extracomment>
        <translation>Queries %1–%2 → keys %3–%4
max %5, mean %6 (zoom in for single tokens)</translation>
    </message>
</context>
<context>
    <name>qe::gui::AttentionView</name>
    <message>
        <source>The attention pattern could not be computed: %1</source>
        <translation>The attention pattern could not be computed: %1</translation>
    </message>
    <message>
        <source>Layer %1, head %2: queries %3–%4 over %5 keys. Wheel: zoom, drag: pan, click: select the token.</source>
        <extracomment>%1..%2: query positions shown; %3: number of key positions.</extracomment>
        <translation>Layer %1, head %2: queries %3–%4 over %5 keys. Wheel: zoom, drag: pan, click: select the token.</translation>
    </message>
    <message>
        <source>KV head %1, shared by query heads %2–%3</source>
        <extracomment>GQA: query heads %2..%3 all read the keys and values of KV head %1.</extracomment>
        <translation>KV head %1, shared by query heads %2–%3</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Layer</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>Head</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>Entropy</translation>
    </message>
    <message>
        <source>Sink mass</source>
        <translation>Sink mass</translation>
    </message>
    <message>
        <source>Entropy: how spread out a head&apos;s attention is. Sink mass: the share of attention on the first token.</source>
        <translation>Entropy: how spread out a head&apos;s attention is. Sink mass: the share of attention on the first token.</translation>
    </message>
    <message>
        <source>All heads for the selected token (click a cell to open that head; rules separate GQA groups)</source>
        <translation>All heads for the selected token (click a cell to open that head; rules separate GQA groups)</translation>
    </message>
    <message>
        <source>Generate a reply to see attention patterns.</source>
        <translation>Generate a reply to see attention patterns.</translation>
    </message>
    <message>
        <source>No hidden states are kept (diagnostics memory is 0), so attention cannot be recomputed.</source>
        <translation>No hidden states are kept (diagnostics memory is 0), so attention cannot be recomputed.</translation>
    </message>
    <message>
        <source>Layer %1, head %2: %3 positions in tiles of %4 × %4 (zoom in for single tokens). Wheel: zoom, drag: pan, click: select the token.</source>
        <extracomment>%3: context length; %4: positions per side of one aggregated tile.</extracomment>
        <translation>Layer %1, head %2: %3 positions in tiles of %4 × %4 (zoom in for single tokens). Wheel: zoom, drag: pan, click: select the token.</translation>
    </message>
    <message>
        <source>Tiles show</source>
        <translation>Tiles show</translation>
    </message>
    <message>
        <source>Block maximum</source>
        <translation>Block maximum</translation>
    </message>
    <message>
        <source>Block mean</source>
        <translation>Block mean</translation>
    </message>
    <message>
        <source>Where one cell on screen stands for a block of queries × keys (long contexts, zoomed out): the largest weight in the block keeps sharp heads visible; the mean shows where attention mass goes.</source>
        <translation>Where one cell on screen stands for a block of queries × keys (long contexts, zoomed out): the largest weight in the block keeps sharp heads visible; the mean shows where attention mass goes.</translation>
    </message>
    <message>
        <source>Where this token looks could not be computed: %1</source>
        <translation>Where this token looks could not be computed: %1</translation>
    </message>
    <message>
        <source>“%1” (%2) %3 %</source>
        <extracomment>One attended token: %1 its text, %2 its position, %3 the attention weight in percent.</extracomment>
        <translation>“%1” (%2) %3 %</translation>
    </message>
    <message>
        <source>“%1” (%2) attends most to: %3</source>
        <extracomment>%1 the selected token, %2 its position, %3 the list of attended tokens.</extracomment>
        <translation>“%1” (%2) attends most to: %3</translation>
    </message>
</context>
<context>
    <name>qe::gui::ChatSession</name>
    <message>
        <source>Untitled conversation</source>
        <translation>Untitled conversation</translation>
    </message>
    <message>
        <source>Branch of %1</source>
        <extracomment>Title of a conversation branched from a token of another one; %1 is that one&apos;s title.</extracomment>
        <translation>Branch of %1</translation>
    </message>
</context>
<context>
    <name>qe::gui::ChatView</name>
    <message numerus="yes">
        <source>The %n oldest turn(s) of this conversation are no longer sent to the model, so that it fits the context.</source>
        <translation>
            <numerusform>The oldest turn of this conversation is no longer sent to the model, so that it fits the context.</numerusform>
            <numerusform>The %n oldest turns of this conversation are no longer sent to the model, so that it fits the context.</numerusform>
        </translation>
    </message>
    <message>
        <source>Token probability under the model: %1 Hover a token for the alternatives; click it to select it in the inspector or to branch from an alternative.</source>
        <extracomment>Legend above the chat when tokens are coloured; %1 is a row of colour samples from 0% to 100%.</extracomment>
        <translation>Token probability under the model: %1 Hover a token for the alternatives; click it to select it in the inspector or to branch from an alternative.</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationExport</name>
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
        <source>Thought for %1 s</source>
        <translation>Thought for %1 s</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Thinking</translation>
    </message>
    <message>
        <source>Tool call:</source>
        <translation>Tool call:</translation>
    </message>
    <message>
        <source>Stopped before the end.</source>
        <translation>Stopped before the end.</translation>
    </message>
    <message>
        <source>Stopped at the token limit.</source>
        <translation>Stopped at the token limit.</translation>
    </message>
    <message>
        <source>Generation failed.</source>
        <translation>Generation failed.</translation>
    </message>
    <message>
        <source>Untitled conversation</source>
        <translation>Untitled conversation</translation>
    </message>
    <message>
        <source>Stopped: the context is full.</source>
        <translation>Stopped: the context is full.</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationFile</name>
    <message>
        <source>not valid JSON: %1 (at byte %2)</source>
        <translation>not valid JSON: %1 (at byte %2)</translation>
    </message>
    <message>
        <source>not a Qwen Explorer conversation</source>
        <translation>not a Qwen Explorer conversation</translation>
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
    <message>
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>Previous 7 days</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>Previous 30 days</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>Older</translation>
    </message>
</context>
<context>
    <name>qe::gui::ConversationStore</name>
    <message>
        <source>The conversation folder %1 cannot be created.</source>
        <translation>The conversation folder %1 cannot be created.</translation>
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
        <source>The reply was stopped.</source>
        <translation>The reply was stopped.</translation>
    </message>
    <message>
        <source>The reply stopped because of an internal error.</source>
        <translation>The reply stopped because of an internal error.</translation>
    </message>
    <message>
        <source>The GPU could not be used. Choose CPU as the backend and load the model again.</source>
        <translation>The GPU could not be used. Choose CPU as the backend and load the model again.</translation>
    </message>
    <message>
        <source>The reply stopped: the GPU reported an error. Choose CPU as the backend and load the model again to go on.</source>
        <translation>The reply stopped: the GPU reported an error. Choose CPU as the backend and load the model again to go on.</translation>
    </message>
</context>
<context>
    <name>qe::gui::HeadGrid</name>
    <message>
        <source>entropy %1 nats</source>
        <translation>entropy %1 nats</translation>
    </message>
    <message>
        <source>sink mass %1</source>
        <translation>sink mass %1</translation>
    </message>
    <message>
        <source>Layer %1, head %2 (KV head %3)
%4</source>
        <extracomment>Tooltip of a cell of the layers × heads grid. %4 is a value such as &quot;entropy 1.2 nats&quot;.</extracomment>
        <translation>Layer %1, head %2 (KV head %3)
%4</translation>
    </message>
</context>
<context>
    <name>qe::gui::InspectorPanel</name>
    <message>
        <source>Export view as PNG</source>
        <translation>Export view as PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
    <message>
        <source>Export diagnostics as JSON</source>
        <translation>Export diagnostics as JSON</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON files (*.json)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export failed</translation>
    </message>
    <message>
        <source>The file could not be written.</source>
        <translation>The file could not be written.</translation>
    </message>
    <message>
        <source>Context tokens (click one to inspect it; hover for the alternatives)</source>
        <translation>Context tokens (click one to inspect it; hover for the alternatives)</translation>
    </message>
    <message>
        <source>Follow latest</source>
        <translation>Follow latest</translation>
    </message>
    <message>
        <source>Select the newest token again as it streams</source>
        <translation>Select the newest token again as it streams</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>Export PNG…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>Export JSON…</translation>
    </message>
    <message>
        <source>Save the numbers behind the current view</source>
        <translation>Save the numbers behind the current view</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>Attention</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>Logit lens</source>
        <translation>Logit lens</translation>
    </message>
    <message>
        <source>Kept hidden states: none (budget %1) — attention and logit lens unavailable</source>
        <extracomment>%1: memory budget, e.g. &quot;512 MiB&quot;.</extracomment>
        <translation>Kept hidden states: none (budget %1) — attention and logit lens unavailable</translation>
    </message>
    <message>
        <source>Kept hidden states: %1 of %2 — positions %3–%4 available for the attention map and logit lens</source>
        <extracomment>%1 used of %2 budget; %3–%4: positions that can be inspected.</extracomment>
        <translation>Kept hidden states: %1 of %2 — positions %3–%4 available for the attention map and logit lens</translation>
    </message>
    <message>
        <source>The attention map and the logit lens are recomputed from each layer&apos;s input kept for every position, within the diagnostics memory set in Settings (applies when a model is loaded).</source>
        <translation>The attention map and the logit lens are recomputed from each layer&apos;s input kept for every position, within the diagnostics memory set in Settings (applies when a model is loaded).</translation>
    </message>
    <message>
        <source>Export diagnostics as CSV</source>
        <translation>Export diagnostics as CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <source>Save the numbers behind the current view as CSV tables (the attention map adds a -heads file)</source>
        <extracomment>Tooltip of the CSV export; the attention map also writes a second file &quot;&lt;name&gt;-heads.csv&quot; for the head grid.</extracomment>
        <translation>Save the numbers behind the current view as CSV tables (the attention map adds a -heads file)</translation>
    </message>
    <message>
        <source>Colour:</source>
        <extracomment>Label of the choice of what colours the context tokens.</extracomment>
        <translation>Colour:</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>Probability</translation>
    </message>
    <message>
        <source>None</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Probability: each generated token by the probability the model gave it, red unlikely, green likely. Attention: every token by the weight the selected token gives it in the head the Attention tab shows, white none, blue the most.</source>
        <translation>Probability: each generated token by the probability the model gave it, red unlikely, green likely. Attention: every token by the weight the selected token gives it in the head the Attention tab shows, white none, blue the most.</translation>
    </message>
</context>
<context>
    <name>qe::gui::LayerChartsView</name>
    <message>
        <source>Residual stream and MLP size after each layer for &quot;%1&quot; (position %2), log scale</source>
        <extracomment>%1: token text, %2: its position.</extracomment>
        <translation>Residual stream and MLP size after each layer for &quot;%1&quot; (position %2), log scale</translation>
    </message>
    <message>
        <source>Generate a reply to see per-layer numbers.</source>
        <translation>Generate a reply to see per-layer numbers.</translation>
    </message>
    <message>
        <source>Attention entropy per layer (rows) and head (columns): dark = focused on few tokens, bright = spread out</source>
        <translation>Attention entropy per layer (rows) and head (columns): dark = focused on few tokens, bright = spread out</translation>
    </message>
</context>
<context>
    <name>qe::gui::LogitLensView</name>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>after layer %1</source>
        <translation>after layer %1</translation>
    </message>
    <message>
        <source>Token id %1, probability %2</source>
        <translation>Token id %1, probability %2</translation>
    </message>
    <message>
        <source>The logit lens could not be computed: %1</source>
        <translation>The logit lens could not be computed: %1</translation>
    </message>
    <message>
        <source>Select a token to see what each layer would predict next.</source>
        <translation>Select a token to see what each layer would predict next.</translation>
    </message>
    <message>
        <source>Next-token predictions after each layer for &quot;%1&quot; (position %2): the residual stream put through the final norm and the LM head early.</source>
        <extracomment>%1: token text, %2: its position.</extracomment>
        <translation>Next-token predictions after each layer for &quot;%1&quot; (position %2): the residual stream put through the final norm and the LM head early.</translation>
    </message>
    <message>
        <source>Position %1 is outside the kept hidden states: the diagnostics memory (%2) holds positions 0–%3 only. Raise it under Settings → Diagnostics memory and reload the model to inspect it.</source>
        <extracomment>%1: position; %2: memory budget; %3: how many positions fit it.</extracomment>
        <translation>Position %1 is outside the kept hidden states: the diagnostics memory (%2) holds positions 0–%3 only. Raise it under Settings → Diagnostics memory and reload the model to inspect it.</translation>
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
        <source>Deleted &quot;%1&quot;.</source>
        <translation>Deleted &quot;%1&quot;.</translation>
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
        <source>Lower &quot;Max new tokens&quot; or start a new conversation.</source>
        <translation>Lower &quot;Max new tokens&quot; or start a new conversation.</translation>
    </message>
    <message>
        <source>Context full</source>
        <translation>Context full</translation>
    </message>
    <message numerus="yes">
        <source>Leave out the %n oldest turn(s) so that it fits? They stay in the conversation but the model no longer sees them.</source>
        <translation>
            <numerusform>Leave out the oldest turn so that it fits? It stays in the conversation but the model no longer sees it.</numerusform>
            <numerusform>Leave out the %n oldest turns so that it fits? They stay in the conversation but the model no longer sees them.</numerusform>
        </translation>
    </message>
    <message>
        <source>The prompt could not be built with the model&apos;s chat template.</source>
        <translation>The prompt could not be built with the model&apos;s chat template.</translation>
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
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <source>&amp;Inspector</source>
        <translation>&amp;Inspector</translation>
    </message>
    <message>
        <source>Layer &amp;structure</source>
        <translation>Layer &amp;structure</translation>
    </message>
    <message>
        <source>&amp;Attention map</source>
        <translation>&amp;Attention map</translation>
    </message>
    <message>
        <source>Per-&amp;layer charts</source>
        <translation>Per-&amp;layer charts</translation>
    </message>
    <message>
        <source>Logit &amp;lens</source>
        <translation>Logit &amp;lens</translation>
    </message>
    <message>
        <source>The branch could not be created.</source>
        <translation>The branch could not be created.</translation>
    </message>
    <message>
        <source>The branch could not be continued: the reply&apos;s prompt cannot be built again as it was.</source>
        <translation>The branch could not be continued: the reply&apos;s prompt cannot be built again as it was.</translation>
    </message>
    <message>
        <source>&amp;Colour tokens by probability</source>
        <translation>&amp;Colour tokens by probability</translation>
    </message>
    <message>
        <source>Show the replies token by token on the colour of each token&apos;s probability: red unlikely, green likely. Hover a token for the alternatives; click it to select it or to branch.</source>
        <translation>Show the replies token by token on the colour of each token&apos;s probability: red unlikely, green likely. Hover a token for the alternatives; click it to select it or to branch.</translation>
    </message>
    <message>
        <source>conversation</source>
        <translation>conversation</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Every version, for Import (*.json)</source>
        <translation>Every version, for Import (*.json)</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>Export conversation</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exported to %1</translation>
    </message>
    <message>
        <source>The conversation could not be exported.</source>
        <translation>The conversation could not be exported.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>Conversations (*.json)</source>
        <translation>Conversations (*.json)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Export…</translation>
    </message>
    <message>
        <source>Save the conversation as Markdown, or as JSON with every version</source>
        <translation>Save the conversation as Markdown, or as JSON with every version</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Import…</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>%1 could not be read: %2</translation>
    </message>
    <message>
        <source>Text size %1 %</source>
        <translation>Text size %1 %</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>Zoom &amp;in</translation>
    </message>
    <message>
        <source>Larger text everywhere, for reading from a distance or a projector</source>
        <translation>Larger text everywhere, for reading from a distance or a projector</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Zoom &amp;out</translation>
    </message>
    <message>
        <source>Smaller text everywhere</source>
        <translation>Smaller text everywhere</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>&amp;Actual size</translation>
    </message>
    <message>
        <source>The desktop&apos;s text size</source>
        <translation>The desktop&apos;s text size</translation>
    </message>
    <message>
        <source>The system prompt can be changed once the reply has finished.</source>
        <translation>The system prompt can be changed once the reply has finished.</translation>
    </message>
    <message>
        <source>New system prompt: the conversation starts again from its first message; the earlier version is one click away (‹ ›)</source>
        <translation>New system prompt: the conversation starts again from its first message; the earlier version is one click away (‹ ›)</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System prompt</translation>
    </message>
    <message>
        <source>Instructions the model reads before the conversation: a role, a language, a style. Empty: none.
In a conversation with replies, a change starts it again from its first message in a new branch; the earlier one stays reachable (‹ ›).</source>
        <translation>Instructions the model reads before the conversation: a role, a language, a style. Empty: none.
In a conversation with replies, a change starts it again from its first message in a new branch; the earlier one stays reachable (‹ ›).</translation>
    </message>
    <message>
        <source>&amp;System prompt…</source>
        <translation>&amp;System prompt…</translation>
    </message>
    <message>
        <source>Instructions the model reads before the conversation: a role, a language, a style</source>
        <translation>Instructions the model reads before the conversation: a role, a language, a style</translation>
    </message>
    <message>
        <source>Export every conversation into</source>
        <translation>Export every conversation into</translation>
    </message>
    <message>
        <source>The conversations could not be exported.</source>
        <translation>The conversations could not be exported.</translation>
    </message>
    <message numerus="yes">
        <source>%n conversation(s) were written before it.</source>
        <translation>
            <numerusform>%n conversation was written before it.</numerusform>
            <numerusform>%n conversations were written before it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n conversation(s) to %1</source>
        <translation>
            <numerusform>Exported %n conversation to %1</numerusform>
            <numerusform>Exported %n conversations to %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Import conversations</source>
        <translation>Import conversations</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be imported.</source>
        <translation>
            <numerusform>%n file could not be imported.</numerusform>
            <numerusform>%n files could not be imported.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversation(s)</source>
        <translation>
            <numerusform>Imported %n conversation</numerusform>
            <numerusform>Imported %n conversations</numerusform>
        </translation>
    </message>
    <message>
        <source>Add conversations exported as JSON</source>
        <translation>Add conversations exported as JSON</translation>
    </message>
    <message>
        <source>Export &amp;all…</source>
        <translation>Export &amp;all…</translation>
    </message>
    <message>
        <source>Save every conversation as JSON into a folder, for a backup or another computer</source>
        <translation>Save every conversation as JSON into a folder, for a backup or another computer</translation>
    </message>
    <message>
        <source>Export all</source>
        <translation>Export all</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in %1 already have the name of a conversation.</source>
        <translation>
            <numerusform>%n file in %1 already has the name of a conversation.</numerusform>
            <numerusform>%n files in %1 already have the name of a conversation.</numerusform>
        </translation>
    </message>
    <message>
        <source>Replace them, or keep them and write those conversations under new names (&quot;title (2).json&quot;, ...)?</source>
        <translation>Replace them, or keep them and write those conversations under new names (&quot;title (2).json&quot;, ...)?</translation>
    </message>
    <message>
        <source>&amp;Keep both</source>
        <translation>&amp;Keep both</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>&amp;Replace</translation>
    </message>
    <message>
        <source>Stop generating; the text so far is kept (Esc)</source>
        <translation>Stop generating; the text so far is kept (Esc)</translation>
    </message>
    <message>
        <source>This conversation&apos;s prompt takes %1 tokens, and a reply needs room for %2 more, but the model&apos;s context holds %3.</source>
        <translation>This conversation&apos;s prompt takes %1 tokens, and a reply needs room for %2 more, but the model&apos;s context holds %3.</translation>
    </message>
    <message>
        <source>The branch&apos;s prompt takes %1 tokens, and a reply needs room for %2 more, but the model&apos;s context holds %3. Lower &quot;Max new tokens&quot;.</source>
        <translation>The branch&apos;s prompt takes %1 tokens, and a reply needs room for %2 more, but the model&apos;s context holds %3. Lower &quot;Max new tokens&quot;.</translation>
    </message>
    <message>
        <source>The reply could not be inspected.</source>
        <translation>The reply could not be inspected.</translation>
    </message>
    <message>
        <source>The inspector holds the reply being generated. Click this token again once it has finished.</source>
        <translation>The inspector holds the reply being generated. Click this token again once it has finished.</translation>
    </message>
    <message>
        <source>Load a model to inspect this reply.</source>
        <translation>Load a model to inspect this reply.</translation>
    </message>
    <message>
        <source>This reply comes from an older file that does not record its prompt, so it cannot be inspected. Regenerate it to inspect the new version.</source>
        <translation>This reply comes from an older file that does not record its prompt, so it cannot be inspected. Regenerate it to inspect the new version.</translation>
    </message>
    <message>
        <source>This reply cannot be inspected.</source>
        <translation>This reply cannot be inspected.</translation>
    </message>
    <message numerus="yes">
        <source>Computing the diagnostics of this reply and its prompt, %Ln token(s)… Esc stops.</source>
        <translation>
            <numerusform>Computing the diagnostics of this reply and its prompt, %Ln token… Esc stops.</numerusform>
            <numerusform>Computing the diagnostics of this reply and its prompt, %Ln tokens… Esc stops.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Find conversation</source>
        <translation>&amp;Find conversation</translation>
    </message>
    <message>
        <source>Search the conversations&apos; titles and messages</source>
        <translation>Search the conversations&apos; titles and messages</translation>
    </message>
    <message>
        <source>Re&amp;generate last reply</source>
        <translation>Re&amp;generate last reply</translation>
    </message>
    <message>
        <source>Generate another version of the last reply; the old one stays reachable</source>
        <translation>Generate another version of the last reply; the old one stays reachable</translation>
    </message>
    <message>
        <source>These are the diagnostics of %1, the model loaded now; %2 wrote this reply.</source>
        <translation>These are the diagnostics of %1, the model loaded now; %2 wrote this reply.</translation>
    </message>
    <message>
        <source>&amp;Full screen</source>
        <translation>&amp;Full screen</translation>
    </message>
    <message>
        <source>Replies now use seed %1 (Generation → Fixed seed)</source>
        <translation>Replies now use seed %1 (Generation → Fixed seed)</translation>
    </message>
    <message>
        <source>The template “%1” set the sampling (Generation panel)</source>
        <translation>The template “%1” set the sampling (Generation panel)</translation>
    </message>
</context>
<context>
    <name>qe::gui::MarkdownView</name>
    <message>
        <source>Copied</source>
        <extracomment>A code block&apos;s Copy button, for a moment after a click.</extracomment>
        <translation>Copied</translation>
    </message>
    <message>
        <source>Copy this code to the clipboard</source>
        <translation>Copy this code to the clipboard</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Copy code</translation>
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
        <extracomment>Version switcher of a message: &quot;2/3&quot; = second of three versions.</extracomment>
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
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
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
    <message>
        <source>&quot;%1&quot; (token id %2)</source>
        <extracomment>Tooltip of a generated token: %1 its text, %2 its id in the vocabulary.</extracomment>
        <translation>&quot;%1&quot; (token id %2)</translation>
    </message>
    <message>
        <source>probability %1%</source>
        <extracomment>Probability of a generated token in percent.</extracomment>
        <translation>probability %1%</translation>
    </message>
    <message>
        <source>Most likely at this step:</source>
        <translation>Most likely at this step:</translation>
    </message>
    <message>
        <source>Click to select it in the inspector or to continue with an alternative.</source>
        <translation>Click to select it in the inspector or to continue with an alternative.</translation>
    </message>
    <message>
        <source>Continue in a new conversation with</source>
        <translation>Continue in a new conversation with</translation>
    </message>
    <message>
        <source>&quot;%1&quot;  %2%</source>
        <extracomment>An alternative token in the branch menu: %1 its text, %2 its probability in percent.</extracomment>
        <translation>&quot;%1&quot;  %2%</translation>
    </message>
    <message>
        <source>Available once the generation has finished</source>
        <translation>Available once the generation has finished</translation>
    </message>
    <message>
        <source>Not available for replies saved by an older version</source>
        <translation>Not available for replies saved by an older version</translation>
    </message>
    <message>
        <source>Change the system prompt; a conversation with replies starts again from its first message in a new branch, and the old one stays reachable</source>
        <translation>Change the system prompt; a conversation with replies starts again from its first message in a new branch, and the old one stays reachable</translation>
    </message>
    <message>
        <source>stopped: the context is full</source>
        <translation>stopped: the context is full</translation>
    </message>
    <message>
        <source>Inspect</source>
        <extracomment>Button under a reply: show it in the inspector.</extracomment>
        <translation>Inspect</translation>
    </message>
    <message>
        <source>Show this reply in the inspector, token by token: where each token looks, the numbers of every layer, the logit lens</source>
        <translation>Show this reply in the inspector, token by token: where each token looks, the numbers of every layer, the logit lens</translation>
    </message>
    <message>
        <source>seed %1</source>
        <extracomment>The seed a reply was sampled with, a link under the reply.</extracomment>
        <translation>seed %1</translation>
    </message>
    <message>
        <source>Sampled greedily (always the most likely token).</source>
        <translation>Sampled greedily (always the most likely token).</translation>
    </message>
    <message>
        <source>Sampled with temperature %1, top-p %2, top-k %3, min-p %4 and seed %5.</source>
        <extracomment>%1 temperature, %2 top-p, %3 top-k (0: off), %4 min-p, %5 the seed.</extracomment>
        <translation>Sampled with temperature %1, top-p %2, top-k %3, min-p %4 and seed %5.</translation>
    </message>
    <message>
        <source>Repetition penalty %1.</source>
        <translation>Repetition penalty %1.</translation>
    </message>
    <message>
        <source>Presence penalty %1.</source>
        <translation>Presence penalty %1.</translation>
    </message>
    <message>
        <source>Click the seed to use it for the next replies: with the same prompt, model, backend and settings they come out the same.</source>
        <translation>Click the seed to use it for the next replies: with the same prompt, model, backend and settings they come out the same.</translation>
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
    <message>
        <source>Built-in demo model</source>
        <translation>Built-in demo model</translation>
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
        <extracomment>Memory: %1 weight file size, %2 KV-cache bytes per token, %3 the cache&apos;s number format (&quot;bf16&quot; or &quot;fp32&quot;).</extracomment>
        <translation>Memory</translation>
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
        <source>Loaded in</source>
        <translation>Loaded in</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Device</source>
        <extracomment>Where the model runs: the CPU with its threads, or the GPU&apos;s name.</extracomment>
        <translation>Device</translation>
    </message>
    <message>
        <source>Note</source>
        <extracomment>A remark on where the model runs, e.g. why the GPU is not used.</extracomment>
        <translation>Note</translation>
    </message>
    <message>
        <source>%1 weights + %2 per token of context (%3 KV cache)</source>
        <translation>%1 weights + %2 per token of context (%3 KV cache)</translation>
    </message>
    <message>
        <source>Prompt processing</source>
        <extracomment>How the CPU multiplies a prompt&apos;s tokens by the weights (Settings → Prompt processing).</extracomment>
        <translation>Prompt processing</translation>
    </message>
    <message>
        <source>bf16 on AMX tiles</source>
        <translation>bf16 on AMX tiles</translation>
    </message>
    <message>
        <source>32-bit float</source>
        <translation>32-bit float</translation>
    </message>
    <message numerus="yes">
        <source>CPU, %n thread(s), %1</source>
        <extracomment>%n CPU threads, %1 the instruction sets in use, e.g. &quot;avx512f+avx2+fma+f16c&quot;.</extracomment>
        <translation>
            <numerusform>CPU, %n thread, %1</numerusform>
            <numerusform>CPU, %n threads, %1</numerusform>
        </translation>
    </message>
    <message>
        <source>The GPU&apos;s memory holds %1 of the model&apos;s %2 context positions.</source>
        <extracomment>%1 context positions the GPU&apos;s memory holds, %2 the model&apos;s own context length.</extracomment>
        <translation>The GPU&apos;s memory holds %1 of the model&apos;s %2 context positions.</translation>
    </message>
    <message>
        <source>The GPU is not used: %1</source>
        <extracomment>%1: a technical reason from the engine, in English.</extracomment>
        <translation>The GPU is not used: %1</translation>
    </message>
    <message>
        <source>No NVIDIA driver found (libcuda.so.1): the model runs on the CPU.</source>
        <translation>No NVIDIA driver found (libcuda.so.1): the model runs on the CPU.</translation>
    </message>
    <message>
        <source>This build has no GPU backend (libqe_cuda.so): the model runs on the CPU.</source>
        <translation>This build has no GPU backend (libqe_cuda.so): the model runs on the CPU.</translation>
    </message>
    <message>
        <source>AWQ 4-bit, groups of %1</source>
        <extracomment>A quantized checkpoint&apos;s linear layers (spec §7): 4-bit weights with a scale per group of %1 inputs.</extracomment>
        <translation>AWQ 4-bit, groups of %1</translation>
    </message>
    <message>
        <source>FP8 e4m3, blocks of %1 × %2</source>
        <extracomment>8-bit floating-point weights with a scale per block of %1 × %2 weights.</extracomment>
        <translation>FP8 e4m3, blocks of %1 × %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <extracomment>A quantized model&apos;s weights: %1 the quantization (&quot;AWQ 4-bit, groups of 128&quot;), %2 the checkpoint&apos;s dtypes (&quot;F16+I32&quot;).</extracomment>
        <translation>%1 (%2)</translation>
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
        <translation>
            <numerusform>%n weight shard is missing.</numerusform>
            <numerusform>%n weight shards are missing.</numerusform>
        </translation>
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
        <extracomment>Template list entry: %1 name, %2 language code, %3 &quot;built-in&quot; or &quot;mine&quot;.</extracomment>
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
        <translation>
            <numerusform>%n token in the final prompt</numerusform>
            <numerusform>%n tokens in the final prompt</numerusform>
        </translation>
    </message>
    <message>
        <source>Load a model to count the prompt&apos;s tokens.</source>
        <translation>Load a model to count the prompt&apos;s tokens.</translation>
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
        <source>Delete the template &quot;%1&quot;?</source>
        <translation>Delete the template &quot;%1&quot;?</translation>
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
    <name>qe::gui::RmsChart</name>
    <message>
        <source>residual RMS</source>
        <translation>residual RMS</translation>
    </message>
    <message>
        <source>MLP activation RMS</source>
        <translation>MLP activation RMS</translation>
    </message>
    <message>
        <source>Layer %1
residual RMS %2
MLP activation RMS %3</source>
        <translation>Layer %1
residual RMS %2
MLP activation RMS %3</translation>
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
        <extracomment>Context meter: tokens used of the model&apos;s context limit.</extracomment>
        <translation>%1 / %2 tokens</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>no model</translation>
    </message>
    <message>
        <source>The longest a reply may be, in tokens. A reply also stops when the model&apos;s context is full.</source>
        <translation>The longest a reply may be, in tokens. A reply also stops when the model&apos;s context is full.</translation>
    </message>
    <message>
        <source>Tokens this conversation uses of the model&apos;s context. While a reply streams: its prompt and the tokens so far. Then: the conversation as the next prompt holds it, without the thinking of earlier replies (the chat template leaves it out).</source>
        <translation>Tokens this conversation uses of the model&apos;s context. While a reply streams: its prompt and the tokens so far. Then: the conversation as the next prompt holds it, without the thinking of earlier replies (the chat template leaves it out).</translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation>Fixed seed</translation>
    </message>
    <message>
        <source>Off: each reply draws a new seed for its sampling. On: every reply uses this seed, so the same prompt, model, backend and settings give the same reply again. The line under a reply names its seed; click it to use it here.</source>
        <translation>Off: each reply draws a new seed for its sampling. On: every reply uses this seed, so the same prompt, model, backend and settings give the same reply again. The line under a reply names its seed; click it to use it here.</translation>
    </message>
    <message>
        <source>Random</source>
        <extracomment>The seed box while &quot;Fixed seed&quot; is off.</extracomment>
        <translation>Random</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>Presence penalty</translation>
    </message>
    <message>
        <source>Lowers the score of every token the reply has already used, against endless repetition (0: off; Qwen uses 0 to 2, and 1.5 in its examples without thinking).</source>
        <translation>Lowers the score of every token the reply has already used, against endless repetition (0: off; Qwen uses 0 to 2, and 1.5 in its examples without thinking).</translation>
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
    <message>
        <source>Diagnostics memory</source>
        <translation>Diagnostics memory</translation>
    </message>
    <message>
        <source> MiB</source>
        <extracomment>Unit suffix of the diagnostics memory budget (mebibytes).</extracomment>
        <translation> MiB</translation>
    </message>
    <message>
        <source>None kept</source>
        <translation>None kept</translation>
    </message>
    <message>
        <source>Memory for the hidden states the attention map and the logit lens are recomputed from. Positions beyond it cannot be inspected. Applies when a model is loaded.</source>
        <translation>Memory for the hidden states the attention map and the logit lens are recomputed from. Positions beyond it cannot be inspected. Applies when a model is loaded.</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV cache</translation>
    </message>
    <message>
        <source>32-bit float (exact)</source>
        <translation>32-bit float (exact)</translation>
    </message>
    <message>
        <source>bf16 (half the memory)</source>
        <translation>bf16 (half the memory)</translation>
    </message>
    <message>
        <source>How the CPU keeps the attention keys and values of the context. bf16 halves their memory and speeds up long chats, and changes the model&apos;s outputs slightly. The GPU always uses bf16. Applies when a model is loaded.</source>
        <translation>How the CPU keeps the attention keys and values of the context. bf16 halves their memory and speeds up long chats, and changes the model&apos;s outputs slightly. The GPU always uses bf16. Applies when a model is loaded.</translation>
    </message>
    <message>
        <source>Prompt processing</source>
        <translation>Prompt processing</translation>
    </message>
    <message>
        <source>bf16 on AMX (several times faster)</source>
        <translation>bf16 on AMX (several times faster)</translation>
    </message>
    <message>
        <source>bf16 on AMX (this CPU has no AMX)</source>
        <translation>bf16 on AMX (this CPU has no AMX)</translation>
    </message>
    <message>
        <source>How the CPU multiplies the tokens of a prompt by the weights. bf16 rounds the numbers going in to bf16 and runs on the AMX units of recent Intel Xeon processors: prompts are read several times faster, and the model&apos;s outputs change slightly. The tokens of a reply are computed in 32-bit float either way. Needs bf16 weights. Applies when a model is loaded.</source>
        <translation>How the CPU multiplies the tokens of a prompt by the weights. bf16 rounds the numbers going in to bf16 and runs on the AMX units of recent Intel Xeon processors: prompts are read several times faster, and the model&apos;s outputs change slightly. The tokens of a reply are computed in 32-bit float either way. Needs bf16 weights. Applies when a model is loaded.</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System prompt</translation>
    </message>
    <message>
        <source>None. Instructions every new conversation starts with: a role, a language, a style.</source>
        <translation>None. Instructions every new conversation starts with: a role, a language, a style.</translation>
    </message>
    <message>
        <source>The system prompt of new conversations. A conversation&apos;s own can be changed with Conversation → System prompt…</source>
        <translation>The system prompt of new conversations. A conversation&apos;s own can be changed with Conversation → System prompt…</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>Presence penalty</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureDiagram</name>
    <message>
        <source>Token embedding</source>
        <translation>Token embedding</translation>
    </message>
    <message>
        <source>RMSNorm (input_layernorm)</source>
        <translation>RMSNorm (input_layernorm)</translation>
    </message>
    <message>
        <source>Q, K, V projections</source>
        <translation>Q, K, V projections</translation>
    </message>
    <message>
        <source>QK-norm: RMSNorm per head (q_norm, k_norm)</source>
        <translation>QK-norm: RMSNorm per head (q_norm, k_norm)</translation>
    </message>
    <message>
        <source>RoPE: rotary position encoding</source>
        <translation>RoPE: rotary position encoding</translation>
    </message>
    <message>
        <source>Grouped-query attention: %1 query heads, %2 KV heads (%3 per group)</source>
        <extracomment>%1 query heads, %2 key/value heads, %3 query heads per KV head.</extracomment>
        <translation>Grouped-query attention: %1 query heads, %2 KV heads (%3 per group)</translation>
    </message>
    <message>
        <source>Output projection (o_proj)</source>
        <translation>Output projection (o_proj)</translation>
    </message>
    <message>
        <source>Add to the residual stream</source>
        <translation>Add to the residual stream</translation>
    </message>
    <message>
        <source>RMSNorm (post_attention_layernorm)</source>
        <translation>RMSNorm (post_attention_layernorm)</translation>
    </message>
    <message>
        <source>SwiGLU MLP: down(silu(gate(x)) · up(x))</source>
        <translation>SwiGLU MLP: down(silu(gate(x)) · up(x))</translation>
    </message>
    <message>
        <source>Final RMSNorm</source>
        <translation>Final RMSNorm</translation>
    </message>
    <message>
        <source>LM head (tied: reuses the embedding matrix)</source>
        <translation>LM head (tied: reuses the embedding matrix)</translation>
    </message>
    <message>
        <source>LM head (lm_head)</source>
        <translation>LM head (lm_head)</translation>
    </message>
    <message>
        <source>× %1 decoder layers</source>
        <translation>× %1 decoder layers</translation>
    </message>
    <message>
        <source>%1 · %2 parameters · %3</source>
        <extracomment>Detail line of a block with weights: %1 tensor shapes, %2 parameters, %3 bytes.</extracomment>
        <translation>%1 · %2 parameters · %3</translation>
    </message>
    <message>
        <source>no weights · θ = %1 · rotates pairs of the %2 dimensions of each q and k head</source>
        <extracomment>%1: RoPE base frequency theta, %2: head dimension.</extracomment>
        <translation>no weights · θ = %1 · rotates pairs of the %2 dimensions of each q and k head</translation>
    </message>
    <message>
        <source>no weights · softmax(q·kᵀ/√%1 + causal mask)·v · KV cache %2 per token and layer (BF16)</source>
        <extracomment>%1: bytes of keys and values one token stores in one layer&apos;s KV cache.</extracomment>
        <translation>no weights · softmax(q·kᵀ/√%1 + causal mask)·v · KV cache %2 per token and layer (BF16)</translation>
    </message>
    <message>
        <source>no weights · x + f(x), width %1</source>
        <translation>no weights · x + f(x), width %1</translation>
    </message>
    <message>
        <source>%1 · shares the embedding&apos;s parameters</source>
        <translation>%1 · shares the embedding&apos;s parameters</translation>
    </message>
    <message>
        <source>%1 parameters per layer, %2 in all layers</source>
        <extracomment>%1 parameters per layer; %2 parameters of all layers.</extracomment>
        <translation>%1 parameters per layer, %2 in all layers</translation>
    </message>
    <message>
        <source>Live: bar height = time per layer, colour = residual RMS after the layer (selected token)</source>
        <translation>Live: bar height = time per layer, colour = residual RMS after the layer (selected token)</translation>
    </message>
    <message>
        <source>Per-layer time and residual RMS appear here while the loaded model generates.</source>
        <translation>Per-layer time and residual RMS appear here while the loaded model generates.</translation>
    </message>
    <message>
        <source>Layer %1: %2 ms, residual RMS %3</source>
        <translation>Layer %1: %2 ms, residual RMS %3</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureExplanation</name>
    <message>
        <source>&lt;b&gt;Token embedding&lt;/b&gt;&lt;p&gt;Each token id picks one row of a vocabulary × hidden matrix: x₀ = E[id]. This vector starts the &lt;i&gt;residual stream&lt;/i&gt; that every layer reads from and adds to.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Token embedding&lt;/b&gt;&lt;p&gt;Each token id picks one row of a vocabulary × hidden matrix: x₀ = E[id]. This vector starts the &lt;i&gt;residual stream&lt;/i&gt; that every layer reads from and adds to.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;RMSNorm&lt;/b&gt;&lt;p&gt;y = x / √(mean(x²) + ε) · g. It rescales a vector to a fixed size and then weights each dimension with the learned gain g. Unlike LayerNorm it does not subtract the mean, which is cheaper and works as well. Qwen3 normalizes &lt;i&gt;before&lt;/i&gt; each sublayer (pre-norm), so the residual stream itself is never squashed and deep stacks train stably.&lt;/p&gt;</source>
        <translation>&lt;b&gt;RMSNorm&lt;/b&gt;&lt;p&gt;y = x / √(mean(x²) + ε) · g. It rescales a vector to a fixed size and then weights each dimension with the learned gain g. Unlike LayerNorm it does not subtract the mean, which is cheaper and works as well. Qwen3 normalizes &lt;i&gt;before&lt;/i&gt; each sublayer (pre-norm), so the residual stream itself is never squashed and deep stacks train stably.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Query, key and value projections&lt;/b&gt;&lt;p&gt;q = W_q·x, k = W_k·x, v = W_v·x, split into heads. A query asks &quot;what am I looking for&quot;, a key says &quot;what do I contain&quot;, a value is what gets passed on. Keys and values of every token are kept in the KV cache so later tokens can attend to them without recomputing.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Query, key and value projections&lt;/b&gt;&lt;p&gt;q = W_q·x, k = W_k·x, v = W_v·x, split into heads. A query asks &quot;what am I looking for&quot;, a key says &quot;what do I contain&quot;, a value is what gets passed on. Keys and values of every token are kept in the KV cache so later tokens can attend to them without recomputing.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;QK-norm&lt;/b&gt;&lt;p&gt;Qwen3 applies an RMSNorm to every query head and every key head (over the head dimension) before RoPE. This keeps q·k from growing huge, so attention logits stay in a sane range and softmax does not saturate; it replaces the QKV bias of Qwen2 and makes training more stable.&lt;/p&gt;</source>
        <translation>&lt;b&gt;QK-norm&lt;/b&gt;&lt;p&gt;Qwen3 applies an RMSNorm to every query head and every key head (over the head dimension) before RoPE. This keeps q·k from growing huge, so attention logits stay in a sane range and softmax does not saturate; it replaces the QKV bias of Qwen2 and makes training more stable.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;RoPE (rotary position embedding)&lt;/b&gt;&lt;p&gt;Pairs of dimensions of q and k are rotated by an angle pos·θ^(−2i/d). The dot product q·k then depends only on the &lt;i&gt;distance&lt;/i&gt; between two tokens, so the model learns relative positions, and no position vector is added to the residual stream.&lt;/p&gt;</source>
        <translation>&lt;b&gt;RoPE (rotary position embedding)&lt;/b&gt;&lt;p&gt;Pairs of dimensions of q and k are rotated by an angle pos·θ^(−2i/d). The dot product q·k then depends only on the &lt;i&gt;distance&lt;/i&gt; between two tokens, so the model learns relative positions, and no position vector is added to the residual stream.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Grouped-query attention (GQA)&lt;/b&gt;&lt;p&gt;Each query head computes softmax(q·kᵀ/√d)·v over all earlier tokens (causal mask). Several query heads share one key/value head: here %1 query heads use %2 KV heads, so the KV cache is %3× smaller than with one KV head per query head, which saves memory and bandwidth at long contexts with little loss in quality.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Grouped-query attention (GQA)&lt;/b&gt;&lt;p&gt;Each query head computes softmax(q·kᵀ/√d)·v over all earlier tokens (causal mask). Several query heads share one key/value head: here %1 query heads use %2 KV heads, so the KV cache is %3× smaller than with one KV head per query head, which saves memory and bandwidth at long contexts with little loss in quality.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Output projection&lt;/b&gt;&lt;p&gt;The heads&apos; outputs are concatenated and mixed back to the hidden size: o = W_o·[head₁ … headₙ]. This is what the attention sublayer adds to the residual stream.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Output projection&lt;/b&gt;&lt;p&gt;The heads&apos; outputs are concatenated and mixed back to the hidden size: o = W_o·[head₁ … headₙ]. This is what the attention sublayer adds to the residual stream.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Residual stream&lt;/b&gt;&lt;p&gt;x ← x + f(norm(x)). Every sublayer only &lt;i&gt;adds&lt;/i&gt; its result to the running vector instead of replacing it. Information can flow straight from the embedding to the LM head, each layer makes a small edit, and gradients pass through deep stacks. The residual RMS chart shows how this vector grows layer by layer.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Residual stream&lt;/b&gt;&lt;p&gt;x ← x + f(norm(x)). Every sublayer only &lt;i&gt;adds&lt;/i&gt; its result to the running vector instead of replacing it. Information can flow straight from the embedding to the LM head, each layer makes a small edit, and gradients pass through deep stacks. The residual RMS chart shows how this vector grows layer by layer.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;SwiGLU MLP&lt;/b&gt;&lt;p&gt;y = W_down · (silu(W_gate·x) ⊙ W_up·x), silu(z) = z·σ(z). The gate decides, per hidden unit, how much of the up-projection passes. Gated units learn better than a plain ReLU MLP for the same compute; this is where most of the parameters live and where much factual knowledge is stored.&lt;/p&gt;</source>
        <translation>&lt;b&gt;SwiGLU MLP&lt;/b&gt;&lt;p&gt;y = W_down · (silu(W_gate·x) ⊙ W_up·x), silu(z) = z·σ(z). The gate decides, per hidden unit, how much of the up-projection passes. Gated units learn better than a plain ReLU MLP for the same compute; this is where most of the parameters live and where much factual knowledge is stored.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;LM head (tied)&lt;/b&gt;&lt;p&gt;logits = E·x: the next-token scores reuse the embedding matrix transposed. Small Qwen3 models tie them to save vocabulary × hidden parameters, a large share of a small model.&lt;/p&gt;</source>
        <translation>&lt;b&gt;LM head (tied)&lt;/b&gt;&lt;p&gt;logits = E·x: the next-token scores reuse the embedding matrix transposed. Small Qwen3 models tie them to save vocabulary × hidden parameters, a large share of a small model.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;LM head (untied)&lt;/b&gt;&lt;p&gt;logits = W_lm·x with its own matrix. Larger Qwen3 models keep input and output embeddings separate: the extra parameters are a small share of the model and give the output side its own freedom.&lt;/p&gt;</source>
        <translation>&lt;b&gt;LM head (untied)&lt;/b&gt;&lt;p&gt;logits = W_lm·x with its own matrix. Larger Qwen3 models keep input and output embeddings separate: the extra parameters are a small share of the model and give the output side its own freedom.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Decoder layers&lt;/b&gt;&lt;p&gt;The same block repeated %1 times, each with its own weights: attention lets tokens read from each other, the MLP transforms each token on its own. The strip shows the time each layer took for the last forward pass and the residual RMS after it.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Decoder layers&lt;/b&gt;&lt;p&gt;The same block repeated %1 times, each with its own weights: attention lets tokens read from each other, the MLP transforms each token on its own. The strip shows the time each layer took for the last forward pass and the residual RMS after it.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;For this model: each token stores %2 of keys and values over its %1 layers instead of %3; at the full context of %4 tokens that is %5 instead of %6.&lt;/p&gt;</source>
        <extracomment>%1 layers, %2 KV bytes per token with GQA, %3 without (one KV head per query head), %4 context length, %5 and %6 the same at that context.</extracomment>
        <translation>&lt;p&gt;For this model: each token stores %2 of keys and values over its %1 layers instead of %3; at the full context of %4 tokens that is %5 instead of %6.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Per head h: q_h ← q_h / √(mean(q_h²) + ε) · g_q and k_h ← k_h / √(mean(k_h²) + ε) · g_k, where the gains g_q and g_k have %1 values each, shared by all heads of the layer.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Per head h: q_h ← q_h / √(mean(q_h²) + ε) · g_q and k_h ← k_h / √(mean(k_h²) + ε) · g_k, where the gains g_q and g_k have %1 values each, shared by all heads of the layer.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureTourPanel</name>
    <message>
        <source>Step %1 of %2</source>
        <extracomment>Tour step counter, e.g. &quot;Step 7 of 53&quot;.</extracomment>
        <translation>Step %1 of %2</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ Back</translation>
    </message>
    <message>
        <source>Previous step (Left, Page Up)</source>
        <translation>Previous step (Left, Page Up)</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Next ▶</translation>
    </message>
    <message>
        <source>Next step (Right, Space, Page Down)</source>
        <translation>Next step (Right, Space, Page Down)</translation>
    </message>
    <message>
        <source>Next layer ▶▶</source>
        <translation>Next layer ▶▶</translation>
    </message>
    <message>
        <source>Skip to the next layer (Ctrl+Right; Ctrl+Left goes back one layer)</source>
        <translation>Skip to the next layer (Ctrl+Right; Ctrl+Left goes back one layer)</translation>
    </message>
    <message>
        <source>Last layer</source>
        <translation>Last layer</translation>
    </message>
    <message>
        <source>Skip to the last decoder layer (End goes to the last step, Home to the first)</source>
        <translation>Skip to the last decoder layer (End goes to the last step, Home to the first)</translation>
    </message>
    <message>
        <source>End tour</source>
        <translation>End tour</translation>
    </message>
    <message>
        <source>End the tour (Escape)</source>
        <translation>End the tour (Escape)</translation>
    </message>
</context>
<context>
    <name>qe::gui::StructureView</name>
    <message>
        <source>Loaded model</source>
        <translation>Loaded model</translation>
    </message>
    <message>
        <source>Tiny test model</source>
        <translation>Tiny test model</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 parameters&lt;/b&gt; (%2 without the embedding)</source>
        <translation>&lt;b&gt;%1 parameters&lt;/b&gt; (%2 without the embedding)</translation>
    </message>
    <message>
        <source>Weights: %1 in %2</source>
        <extracomment>%1: size of the weights, %2: data type such as bfloat16.</extracomment>
        <translation>Weights: %1 in %2</translation>
    </message>
    <message numerus="yes">
        <source>Current context: %n token(s) → %1 (BF16), %2 (FP32)</source>
        <extracomment>%n tokens in the current context; %1 and %2: the KV cache they need in BF16 and in FP32.</extracomment>
        <translation>
            <numerusform>Current context: %n token → %1 (BF16), %2 (FP32)</numerusform>
            <numerusform>Current context: %n tokens → %1 (BF16), %2 (FP32)</numerusform>
        </translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Model:</translation>
    </message>
    <message>
        <source>&lt;p&gt;Click a block of the diagram to see what it computes and why Qwen3 has it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Click a block of the diagram to see what it computes and why Qwen3 has it.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Start tour</source>
        <translation>Start tour</translation>
    </message>
    <message>
        <source>Step through the forward pass of the selected token block by block, with its live numbers (F5)</source>
        <extracomment>Tooltip of the guided tour button; F5 is its shortcut.</extracomment>
        <translation>Step through the forward pass of the selected token block by block, with its live numbers (F5)</translation>
    </message>
    <message>
        <source>KV cache per token: %1 (BF16), %2 (FP32)</source>
        <extracomment>KV cache: %1 bytes per token in BF16 (the GPU&apos;s cache, the CPU&apos;s when chosen in Settings), %2 in FP32 (the CPU&apos;s default).</extracomment>
        <translation>KV cache per token: %1 (BF16), %2 (FP32)</translation>
    </message>
    <message>
        <source>Weights: %1, linear layers in %2, the rest in %3</source>
        <extracomment>%1: size of the weights as stored, %2: the linear layers&apos; quantization (&quot;AWQ 4-bit, groups of 128&quot;), %3: the other tensors&apos; data type such as float16.</extracomment>
        <translation>Weights: %1, linear layers in %2, the rest in %3</translation>
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
        <source>Keep the user&apos;s setting</source>
        <translation>Keep the user&apos;s setting</translation>
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
        <source>The id and language may only hold letters, digits, &apos;-&apos; and &apos;_&apos;.</source>
        <translation>The id and language may only hold letters, digits, &apos;-&apos; and &apos;_&apos;.</translation>
    </message>
    <message>
        <source>The template is not valid: %1</source>
        <translation>The template is not valid: %1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>Its own: temperature %1, top-p %2, top-k %3, min-p %4, presence penalty %5</source>
        <extracomment>A template&apos;s own sampling values: %1 temperature, %2 top-p, %3 top-k, %4 min-p, %5 presence penalty.</extracomment>
        <translation>Its own: temperature %1, top-p %2, top-k %3, min-p %4, presence penalty %5</translation>
    </message>
</context>
<context>
    <name>qe::gui::TensorHistogram</name>
    <message>
        <source>[%1, %2): %3 values</source>
        <extracomment>Histogram bin tooltip: %1 and %2 the bin&apos;s value range, %3 how many values fall in it.</extracomment>
        <translation>[%1, %2): %3 values</translation>
    </message>
</context>
<context>
    <name>qe::gui::TensorStatsPanel</name>
    <message>
        <source>lm_head (tied: embed_tokens)</source>
        <extracomment>Entry of the tensor chooser for a tied LM head, which reads the embedding matrix.</extracomment>
        <translation>lm_head (tied: embed_tokens)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 %3 · %4 values</source>
        <extracomment>Tensor statistics header: %1 tensor name, %2 dtype (BF16…), %3 shape, %4 number of values.</extracomment>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 %3 · %4 values</translation>
    </message>
    <message>
        <source>mean %1 · std %2 · min %3 · max %4</source>
        <extracomment>Population standard deviation; all four numbers leave out NaN and infinite values.</extracomment>
        <translation>mean %1 · std %2 · min %3 · max %4</translation>
    </message>
    <message>
        <source>No NaN or infinite values.</source>
        <translation>No NaN or infinite values.</translation>
    </message>
    <message>
        <source>%1 NaN or infinite values, left out of the numbers above.</source>
        <translation>%1 NaN or infinite values, left out of the numbers above.</translation>
    </message>
    <message>
        <source>Click a block with weights to see the statistics of its tensors.</source>
        <translation>Click a block with weights to see the statistics of its tensors.</translation>
    </message>
    <message>
        <source>Statistics need loaded weights: load a model and choose “Loaded model” above. A preset is only a config.</source>
        <translation>Statistics need loaded weights: load a model and choose “Loaded model” above. A preset is only a config.</translation>
    </message>
    <message>
        <source>This block has no weights of its own.</source>
        <translation>This block has no weights of its own.</translation>
    </message>
    <message>
        <source>Computing the statistics of %1…</source>
        <extracomment>%1: tensor name.</extracomment>
        <translation>Computing the statistics of %1…</translation>
    </message>
    <message>
        <source>The statistics could not be computed: %1</source>
        <extracomment>%1: technical error message.</extracomment>
        <translation>The statistics could not be computed: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tensor statistics&lt;/b&gt;</source>
        <translation>&lt;b&gt;Tensor statistics&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Tensor:</source>
        <translation>Tensor:</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>Layer:</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>Log scale</translation>
    </message>
    <message>
        <source>Bar heights grow with log(1 + count), so rare values in the tails stay visible.</source>
        <translation>Bar heights grow with log(1 + count), so rare values in the tails stay visible.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, dequantized: %3 · %4 values</source>
        <extracomment>Tensor statistics header of a quantized layer: %1 tensor name, %2 its quantization (&quot;AWQ 4-bit, groups of 128&quot;), %3 shape, %4 number of values. The numbers below are of the dequantized weights.</extracomment>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, dequantized: %3 · %4 values</translation>
    </message>
</context>
<context>
    <name>qe::gui::TokenStrip</name>
    <message>
        <source>&quot;%1&quot; at position %2 (id %3)</source>
        <extracomment>Tooltip header of a token: %1 token text, %2 position, %3 token id.</extracomment>
        <translation>&quot;%1&quot; at position %2 (id %3)</translation>
    </message>
    <message>
        <source>prompt token</source>
        <translation>prompt token</translation>
    </message>
    <message>
        <source>probability %1%</source>
        <translation>probability %1%</translation>
    </message>
    <message>
        <source>Most likely at this step:</source>
        <translation>Most likely at this step:</translation>
    </message>
    <message>
        <source>attention from &quot;%1&quot; (%2) in layer %3, head %4: %5%</source>
        <extracomment>%1 the selected token, %2 its position, %3 layer, %4 head, %5 the weight in percent.</extracomment>
        <translation>attention from &quot;%1&quot; (%2) in layer %3, head %4: %5%</translation>
    </message>
</context>
</TS>
