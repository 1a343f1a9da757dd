<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BeamTreeLayout</name>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>not sampled</source>
        <translation>未被采样</translation>
    </message>
</context>
<context>
    <name>BeamTreeView</name>
    <message>
        <source>Fit to view</source>
        <translation>适应视图</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <source>Beam tree</source>
        <translation>集束树</translation>
    </message>
    <message>
        <source>prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <source>conf %1 · pen %2</source>
        <translation>置信 %1 · 惩罚 %2</translation>
    </message>
    <message>
        <source>log p %1</source>
        <translation>对数概率 %1</translation>
    </message>
    <message>
        <source>p %1</source>
        <translation>p %1</translation>
    </message>
    <message>
        <source>p %1 → %2</source>
        <translation>p %1 → %2</translation>
    </message>
    <message>
        <source>Prompt: “%1”
Tokens: %2</source>
        <translation>提示词：“%1”
词元：%2</translation>
    </message>
    <message>
        <source>Step %1, sequence %2, token %3</source>
        <translation>第 %1 步，序列 %2，词元 %3</translation>
    </message>
    <message>
        <source>Text: %1</source>
        <translation>文本：%1</translation>
    </message>
    <message>
        <source>Cumulative log-probability: %1</source>
        <translation>累积对数概率：%1</translation>
    </message>
    <message>
        <source>Score: %1</source>
        <translation>得分：%1</translation>
    </message>
    <message>
        <source>Token probability: %1</source>
        <translation>词元概率：%1</translation>
    </message>
    <message>
        <source>After the sampler chain: %1</source>
        <translation>经采样链后：%1</translation>
    </message>
    <message>
        <source>Confidence: %1</source>
        <translation>置信度：%1</translation>
    </message>
    <message>
        <source>Degeneration penalty: %1</source>
        <translation>退化惩罚：%1</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>Not taken: %1</source>
        <translation>未选中：%1</translation>
    </message>
</context>
<context>
    <name>CandidateTableModel</name>
    <message>
        <source>Token id</source>
        <translation>词元编号</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Logit</source>
        <translation>logit</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>Softmax</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Chosen</source>
        <translation>选中</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Degeneration penalty</source>
        <translation>退化惩罚</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>top-k</source>
        <translation>top-k</translation>
    </message>
    <message>
        <source>top-p</source>
        <translation>top-p</translation>
    </message>
    <message>
        <source>min-p</source>
        <translation>min-p</translation>
    </message>
    <message>
        <source>typical-p</source>
        <translation>typical-p</translation>
    </message>
    <message>
        <source>repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>no-repeat n-gram</source>
        <translation>禁止重复 n 元组</translation>
    </message>
    <message>
        <source>beam rank</source>
        <translation>集束排名</translation>
    </message>
    <message>
        <source>EOS rank</source>
        <translation>EOS 排名</translation>
    </message>
    <message>
        <source>below worst hypothesis</source>
        <translation>低于最差假设</translation>
    </message>
    <message>
        <source>not chosen</source>
        <translation>未选中</translation>
    </message>
</context>
<context>
    <name>CandidatesView</name>
    <message>
        <source>The sequence (beam) whose next-token candidates are shown</source>
        <translation>显示其下一个词元候选的序列（集束）</translation>
    </message>
    <message>
        <source>How many of the most probable candidates the chart shows; a chosen token outside them is added</source>
        <translation>图表显示概率最高的前几个候选；不在其中的选中词元会另外加上</translation>
    </message>
    <message>
        <source>&amp;Sequence</source>
        <translation>序列(&amp;S)</translation>
    </message>
    <message>
        <source>Show &amp;top</source>
        <translation>显示前(&amp;T)</translation>
    </message>
    <message>
        <source>All candidates</source>
        <translation>全部候选</translation>
    </message>
    <message>
        <source>Temperature playground</source>
        <translation>温度实验台</translation>
    </message>
    <message>
        <source>Candidates</source>
        <translation>候选词元</translation>
    </message>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>#%1: %2</source>
        <translation>#%1：%2</translation>
    </message>
    <message>
        <source>No trace is open.</source>
        <translation>尚未打开轨迹。</translation>
    </message>
    <message>
        <source>Step 0 is the prefill: candidates appear from step 1 on.</source>
        <translation>第 0 步是预填充：候选词元从第 1 步开始出现。</translation>
    </message>
    <message>
        <source>Step %1 has not been recorded.</source>
        <translation>第 %1 步尚未记录。</translation>
    </message>
    <message>
        <source>Step %1 · sequence %2: softmax of the logits</source>
        <translation>第 %1 步 · 序列 %2：logit 的 Softmax</translation>
    </message>
    <message>
        <source>Step %1 · sequence %2: probability after each stage</source>
        <translation>第 %1 步 · 序列 %2：各阶段之后的概率</translation>
    </message>
    <message numerus="yes">
        <source>%n candidate(s) traced</source>
        <translation>
            <numerusform>记录了 %n 个候选</numerusform>
        </translation>
    </message>
    <message>
        <source>%1; none chosen: the sequence ended or was dropped here.</source>
        <translation>%1；无选中：该序列在此结束或被丢弃。</translation>
    </message>
    <message>
        <source>%1; chosen: %2</source>
        <translation>%1；选中：%2</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>Softmax</translation>
    </message>
    <message>
        <source>%1 (kept ≥%2)</source>
        <translation>%1（保留 ≥%2）</translation>
    </message>
    <message>
        <source>%1 (kept %2)</source>
        <translation>%1（保留 %2）</translation>
    </message>
</context>
<context>
    <name>ClassroomMode</name>
    <message>
        <source>&amp;Classroom mode</source>
        <translation>课堂模式(&amp;C)</translation>
    </message>
    <message>
        <source>Large fonts, the narration under the view, and the steps played by themselves at the lesson&apos;s pace; Space pauses and resumes (F11)</source>
        <translation>大字号，讲解显示在视图下方，各步按课程的节奏自动播放；空格键暂停和继续（F11）</translation>
    </message>
</context>
<context>
    <name>CompareRunner</name>
    <message>
        <source>&apos;%1&apos;: expected key=value pairs separated by commas</source>
        <translation>“%1”：应为以逗号分隔的“键=值”对</translation>
    </message>
    <message>
        <source>&apos;%1&apos;: unknown option &apos;%2&apos; (a comparison sets decoding options: %3)</source>
        <translation>“%1”：未知选项“%2”（对比只设置解码选项：%3）</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not an integer</source>
        <translation>%1：“%2”不是整数</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number</source>
        <translation>%1：“%2”不是数字</translation>
    </message>
    <message>
        <source>seed: &apos;%1&apos; is not a non-negative integer</source>
        <translation>seed：“%1”不是非负整数</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>beam k=%1</source>
        <translation>集束 k=%1</translation>
    </message>
    <message>
        <source>lp=%1</source>
        <translation>长度惩罚=%1</translation>
    </message>
    <message>
        <source>early=%1</source>
        <translation>提前停止=%1</translation>
    </message>
    <message>
        <source>n=%1</source>
        <translation>n=%1</translation>
    </message>
    <message>
        <source>contrastive α=%1 k=%2</source>
        <translation>对比 α=%1 k=%2</translation>
    </message>
    <message>
        <source>sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>top-k %1</source>
        <translation>top-k %1</translation>
    </message>
    <message>
        <source>top-p %1</source>
        <translation>top-p %1</translation>
    </message>
    <message>
        <source>min-p %1</source>
        <translation>min-p %1</translation>
    </message>
    <message>
        <source>typical-p %1</source>
        <translation>typical-p %1</translation>
    </message>
    <message>
        <source>T=%1</source>
        <translation>T=%1</translation>
    </message>
    <message>
        <source>rep=%1</source>
        <translation>重复惩罚=%1</translation>
    </message>
    <message>
        <source>no-repeat=%1</source>
        <translation>禁止重复=%1</translation>
    </message>
    <message>
        <source>seed=%1</source>
        <translation>种子=%1</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>strategy=beam,num-beams=4</source>
        <translation>strategy=beam,num-beams=4</translation>
    </message>
    <message>
        <source>A configuration as key=value pairs separated by commas, in the command line&apos;s --compare syntax: strategy (greedy, beam, contrastive, sample), num-beams, length-penalty, penalty-alpha, top-k, top-p, min-p, typical-p, temperature, repetition-penalty, no-repeat-ngram-size, max-new-tokens, seed …</source>
        <translation>一个配置写成以逗号分隔的“键=值”对，语法与命令行的 --compare 相同：strategy（greedy、beam、contrastive、sample）、num-beams、length-penalty、penalty-alpha、top-k、top-p、min-p、typical-p、temperature、repetition-penalty、no-repeat-ngram-size、max-new-tokens、seed …</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>移除所选</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Generated text</source>
        <translation>生成文本</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Log-prob</source>
        <translation>对数概率</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>Distinct-1</source>
        <translation>一元组相异率</translation>
    </message>
    <message>
        <source>Distinct-2</source>
        <translation>二元组相异率</translation>
    </message>
    <message>
        <source>Repeated 4-grams</source>
        <translation>重复 4 元组</translation>
    </message>
    <message>
        <source>Decode tok/s</source>
        <translation>解码速度（词元/秒）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Cumulative log-probability of the generated tokens (sum of log p)</source>
        <translation>生成词元的累积对数概率（各词元对数概率之和）</translation>
    </message>
    <message>
        <source>The strategy&apos;s score: beam search divides the log-probability by length^length-penalty</source>
        <translation>策略的得分：集束搜索把对数概率除以“长度^长度惩罚”</translation>
    </message>
    <message>
        <source>Distinct tokens / generated tokens</source>
        <translation>不同词元数 / 生成词元数</translation>
    </message>
    <message>
        <source>Distinct bigrams / bigrams</source>
        <translation>不同二元组数 / 二元组数</translation>
    </message>
    <message>
        <source>4-grams that repeat an earlier 4-gram of the same text</source>
        <translation>与同一文本中前面某个 4 元组重复的 4 元组个数</translation>
    </message>
    <message>
        <source>Run comparison</source>
        <translation>运行对比</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>Max new tokens:</source>
        <translation>最大新词元数：</translation>
    </message>
    <message>
        <source>Configuration:</source>
        <translation>配置：</translation>
    </message>
    <message>
        <source>Loading %1 …</source>
        <translation>正在加载 %1 …</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>No configuration to run</source>
        <translation>没有可运行的配置</translation>
    </message>
    <message numerus="yes">
        <source>Running %n configuration(s) …</source>
        <translation>
            <numerusform>正在运行 %n 个配置 …</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling …</source>
        <translation>正在取消 …</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running %1/%2</source>
        <translation>运行中 %1/%2</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>end of text</source>
        <translation>文本结束</translation>
    </message>
    <message>
        <source>max new tokens</source>
        <translation>达到最大新词元数</translation>
    </message>
    <message>
        <source>KV cache full</source>
        <translation>KV 缓存已满</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>DebugPanel</name>
    <message>
        <source>Type a step number, 1 or more.</source>
        <translation>请输入步号，不小于 1。</translation>
    </message>
    <message>
        <source>No candidate of the trace reads “%1”: type the token&apos;s id instead.</source>
        <translation>轨迹中没有文本为“%1”的候选：请改为输入词元编号。</translation>
    </message>
    <message>
        <source>Type a number of KV blocks, 1 or more.</source>
        <translation>请输入 KV 块数，不小于 1。</translation>
    </message>
    <message>
        <source>Type a probability above 0 and at most 1, e.g. 0.1.</source>
        <translation>请输入大于 0 且不超过 1 的概率，例如 0.1。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Paused at step %1: %2</source>
        <translation>在第 %1 步暂停：%2</translation>
    </message>
    <message>
        <source>At step</source>
        <translation>到达步号</translation>
    </message>
    <message>
        <source>Token enters the candidates</source>
        <translation>词元进入候选</translation>
    </message>
    <message>
        <source>Token leaves the candidates</source>
        <translation>词元离开候选</translation>
    </message>
    <message>
        <source>A beam is pruned</source>
        <translation>有集束序列被剪枝</translation>
    </message>
    <message>
        <source>A beam finishes</source>
        <translation>有集束序列结束</translation>
    </message>
    <message>
        <source>Free KV blocks below</source>
        <translation>空闲 KV 块少于</translation>
    </message>
    <message>
        <source>Chosen token&apos;s probability below</source>
        <translation>选中词元的概率低于</translation>
    </message>
    <message>
        <source>When to pause</source>
        <translation>暂停条件</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Stop a live run when it pauses</source>
        <translation>暂停时停止实时运行</translation>
    </message>
    <message>
        <source>Otherwise the run goes on in the background and the view stays at the pause</source>
        <translation>否则运行在后台继续，视图停在暂停处</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Unchecked conditions are kept but do not pause</source>
        <translation>未勾选的条件会保留，但不会触发暂停</translation>
    </message>
    <message>
        <source>step, e.g. 5</source>
        <translation>步号，例如 5</translation>
    </message>
    <message>
        <source>token id or text, e.g. &quot; cat&quot;</source>
        <translation>词元编号或文本，例如 42</translation>
    </message>
    <message>
        <source>blocks, e.g. 2</source>
        <translation>块数，例如 2</translation>
    </message>
    <message>
        <source>probability, e.g. 0.1</source>
        <translation>概率，例如 0.1</translation>
    </message>
    <message>
        <source>token %1</source>
        <translation>词元 %1</translation>
    </message>
    <message>
        <source>token %1 “%2”</source>
        <translation>词元 %1“%2”</translation>
    </message>
    <message>
        <source>at step %1</source>
        <translation>到达第 %1 步</translation>
    </message>
    <message>
        <source>%1 enters the candidates</source>
        <translation>%1 进入候选</translation>
    </message>
    <message>
        <source>%1 leaves the candidates</source>
        <translation>%1 离开候选</translation>
    </message>
    <message>
        <source>a beam is pruned</source>
        <translation>有集束序列被剪枝</translation>
    </message>
    <message>
        <source>a beam finishes</source>
        <translation>有集束序列结束</translation>
    </message>
    <message>
        <source>fewer than %1 free KV blocks</source>
        <translation>空闲 KV 块少于 %1 个</translation>
    </message>
    <message>
        <source>the chosen token&apos;s probability is below %1</source>
        <translation>选中词元的概率低于 %1</translation>
    </message>
    <message>
        <source>sequence %1</source>
        <translation>序列 %1</translation>
    </message>
    <message>
        <source>“%1” p = %2</source>
        <translation>“%1” p = %2</translation>
    </message>
    <message>
        <source>%1 free</source>
        <translation>%1 个空闲</translation>
    </message>
    <message>
        <source>the step asked for</source>
        <translation>所要求的步</translation>
    </message>
    <message>
        <source>the lesson pauses here</source>
        <translation>课程在此暂停</translation>
    </message>
    <message>
        <source>at step %1 (lesson)</source>
        <translation>到达第 %1 步（课程）</translation>
    </message>
</context>
<context>
    <name>DevicePreset</name>
    <message>
        <source>A100 40GB, as in the FlashAttention paper and the textbook</source>
        <translation>A100 40GB，与 FlashAttention 论文和教材中的相同</translation>
    </message>
</context>
<context>
    <name>DivergenceDialog</name>
    <message>
        <source>Where the traces diverge</source>
        <translation>轨迹的分歧点</translation>
    </message>
    <message>
        <source>The traces agree on every step</source>
        <translation>两条轨迹每一步都一致</translation>
    </message>
    <message>
        <source>Both keep the same sequences at every decode step they have.</source>
        <translation>在两者都有的每个解码步，它们保留的序列都相同。</translation>
    </message>
    <message>
        <source>The traces first diverge at step %1</source>
        <translation>两条轨迹在第 %1 步首次出现分歧</translation>
    </message>
    <message>
        <source>%1 has no step %2: it ended earlier.</source>
        <translation>%1 没有第 %2 步：它更早结束了。</translation>
    </message>
    <message>
        <source>At step %1 the traces keep different sequences; the ones only one side has are in bold.</source>
        <translation>在第 %1 步两条轨迹保留的序列不同；只有一方保留的序列以粗体显示。</translation>
    </message>
    <message>
        <source>Sequences after the step</source>
        <translation>该步之后的序列</translation>
    </message>
    <message>
        <source>Candidates</source>
        <translation>候选</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>序列</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Log-prob</source>
        <translation>对数概率</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Chosen</source>
        <translation>选中</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>chosen</source>
        <translation>选中</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Go to step %1</source>
        <translation>转到第 %1 步</translation>
    </message>
    <message>
        <source>Go to step</source>
        <translation>转到该步</translation>
    </message>
</context>
<context>
    <name>EventSummary</name>
    <message>
        <source>%1 model %2 on %3, %4, prompt &quot;%5&quot; (%6 tokens), seed %7</source>
        <translation>%1 模型 %2，运行于 %3，%4，提示词 &quot;%5&quot;（%6 个词元），种子 %7</translation>
    </message>
    <message>
        <source>%1 %2, %3 tokens</source>
        <translation>%1 %2，%3 个词元</translation>
    </message>
    <message>
        <source>, %1 ms</source>
        <translation>，%1 ms</translation>
    </message>
    <message>
        <source>, stop: %1</source>
        <translation>，停止：%1</translation>
    </message>
    <message>
        <source>%1 sequences, %2 candidates; %3; %4</source>
        <translation>%1 个序列，%2 个候选；%3；%4</translation>
    </message>
    <message>
        <source>%1 seq %2</source>
        <translation>%1 序列 %2</translation>
    </message>
    <message>
        <source>, blocks %1</source>
        <translation>，块 %1</translation>
    </message>
    <message>
        <source>, positions %1–%2</source>
        <translation>，位置 %1–%2</translation>
    </message>
    <message>
        <source>%1: %2 of %3 blocks used, %4 sequences, %5 shared, %6 of %7 slots used (%8% fragmentation)</source>
        <translation>%1：已用 %2/%3 个块，%4 个序列，%5 个共享，已用 %6/%7 个槽位（碎片率 %8%）</translation>
    </message>
    <message>
        <source>%1 layer %2 head %3</source>
        <translation>%1 第 %2 层 第 %3 头</translation>
    </message>
    <message>
        <source>, q block %1 × kv block %2</source>
        <translation>，查询块 %1 × 键值块 %2</translation>
    </message>
    <message>
        <source>, rows %1+%2 × %3+%4, HBM read %5 B, written %6 B, SRAM %7 B</source>
        <translation>，行 %1+%2 × %3+%4，HBM 读 %5 B，写 %6 B，SRAM %7 B</translation>
    </message>
    <message>
        <source>, masked</source>
        <translation>，含掩码</translation>
    </message>
    <message>
        <source>round %1: %2 of %3 drafts accepted, then %4 %5; %6 tokens added</source>
        <translation>第 %1 轮：%3 个草稿中接受 %2 个，随后 %4 %5；增加 %6 个词元</translation>
    </message>
    <message>
        <source>%1 rounds, α = %2, %3 tokens per target pass (theory %4), %5 target passes saved</source>
        <translation>%1 轮，接受率 α = %2，每次目标模型前向计算 %3 个词元（理论值 %4），节省 %5 次目标模型前向计算</translation>
    </message>
</context>
<context>
    <name>EventsView</name>
    <message>
        <source>Seq</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
</context>
<context>
    <name>FlashTilesView</name>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>This step ran several prefill passes; choose which one to show.</source>
        <translation>这一步运行了多次预填充，请选择要显示的一次。</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Tile cursor: how many tiles have been computed</source>
        <translation>分块游标：已计算的分块数</translation>
    </message>
    <message>
        <source>kernel %1 of %2</source>
        <translation>内核 %1/%2</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>FlashAttention tiles</source>
        <translation>FlashAttention 分块</translation>
    </message>
    <message numerus="yes">
        <source>pass %1: %n quer(ies)</source>
        <translation>
            <numerusform>第 %1 次：%n 个查询</numerusform>
        </translation>
    </message>
    <message>
        <source>tile %1 of %2</source>
        <translation>分块 %1/%2</translation>
    </message>
    <message>
        <source>No attention tiles in this trace up to this step: tiles are recorded for one layer and head of each prefill pass.</source>
        <translation>到这一步为止，此轨迹没有注意力分块：分块只记录每次预填充中一层的一个注意力头。</translation>
    </message>
    <message>
        <source>No trace loaded.</source>
        <translation>尚未加载轨迹。</translation>
    </message>
    <message>
        <source>Above the causal diagonal: a query never sees later keys (scores −∞).</source>
        <translation>因果对角线以上：查询看不到后面的键（得分为 −∞）。</translation>
    </message>
    <message>
        <source>keys / values j → (blocks of Bc = %1)</source>
        <translation>键 / 值 j →（每块 Bc = %1）</translation>
    </message>
    <message>
        <source>keys / values →</source>
        <translation>键 / 值 →</translation>
    </message>
    <message>
        <source>queries i → (blocks of Br = %1)</source>
        <translation>查询 i →（每块 Br = %1）</translation>
    </message>
    <message>
        <source>queries →</source>
        <translation>查询 →</translation>
    </message>
    <message>
        <source>N = %1 queries × %2 keys</source>
        <translation>N = %1 个查询 × %2 个键</translation>
    </message>
    <message>
        <source>%1 × %2 = %3 tiles: %4 computed, %5 skipped above the diagonal</source>
        <translation>%1 × %2 = %3 个分块：计算 %4 个，跳过对角线以上的 %5 个</translation>
    </message>
    <message>
        <source>The query block holding the highlighted row: its tiles report m and ℓ</source>
        <translation>含高亮行的查询块：它的分块报告 m 和 ℓ</translation>
    </message>
    <message>
        <source>◀ m, ℓ</source>
        <translation>◀ m, ℓ</translation>
    </message>
    <message>
        <source>Tile (%1, %2), number %3 in Algorithm 1&apos;s order: HBM read %4, written %5; SRAM resident %6; %7 FLOPs%8</source>
        <translation>分块 (%1, %2)，按算法 1 的顺序为第 %3 个：HBM 读 %4，写 %5；SRAM 驻留 %6；%7 FLOPs%8</translation>
    </message>
    <message>
        <source>; straddles the diagonal (partly masked)</source>
        <translation>；跨越对角线（部分被掩码）</translation>
    </message>
    <message>
        <source>Tile (%1, %2) skipped: wholly above the causal diagonal, never loaded</source>
        <translation>分块 (%1, %2) 被跳过：完全位于因果对角线以上，从未加载</translation>
    </message>
    <message>
        <source>Tile (%1, %2) computed but not recorded (max_tile_events reached)</source>
        <translation>分块 (%1, %2) 已计算但未记录（达到 max_tile_events 上限）</translation>
    </message>
    <message>
        <source>S = QKᵀ/√d written to HBM (N × N)</source>
        <translation>S = QKᵀ/√d 写入 HBM（N × N）</translation>
    </message>
    <message>
        <source>P = softmax(S) written to HBM (N × N)</source>
        <translation>P = softmax(S) 写入 HBM（N × N）</translation>
    </message>
    <message>
        <source>O = PV written to HBM (N × d)</source>
        <translation>O = PV 写入 HBM（N × d）</translation>
    </message>
    <message>
        <source>SRAM: on-chip memory of one thread block — fast, small (静态随机存取存储器)</source>
        <translation>SRAM（静态随机存取存储器）：一个线程块的片上存储——速度快，容量小</translation>
    </message>
    <message>
        <source>SRAM (on chip)</source>
        <translation>SRAM（片上）</translation>
    </message>
    <message>
        <source>resident now: %1 (Qᵢ, Kⱼ, Vⱼ, Oᵢ, Sᵢⱼ, ℓᵢ, mᵢ)</source>
        <translation>当前驻留：%1（Qᵢ, Kⱼ, Vⱼ, Oᵢ, Sᵢⱼ, ℓᵢ, mᵢ）</translation>
    </message>
    <message>
        <source>standard attention keeps nothing here between its kernels</source>
        <translation>标准注意力在各内核之间不在这里保留任何数据</translation>
    </message>
    <message>
        <source>HBM: the GPU&apos;s main memory — large, slower (高带宽内存)</source>
        <translation>HBM（高带宽内存）：GPU 的主存——容量大，速度较慢</translation>
    </message>
    <message>
        <source>HBM: Q, K, V, O, ℓ, m</source>
        <translation>HBM：Q, K, V, O, ℓ, m</translation>
    </message>
    <message>
        <source>HBM: Q, K, V, S, P, O</source>
        <translation>HBM：Q, K, V, S, P, O</translation>
    </message>
    <message>
        <source>read so far: %1</source>
        <translation>累计读取：%1</translation>
    </message>
    <message>
        <source>written so far: %1</source>
        <translation>累计写入：%1</translation>
    </message>
    <message>
        <source>total: %1 after %2 of %3 tiles</source>
        <translation>合计：%1（%3 个分块中已完成 %2 个）</translation>
    </message>
    <message>
        <source>total: %1 after %2 of %3 kernels</source>
        <translation>合计：%1（%3 个内核中已完成 %2 个）</translation>
    </message>
    <message>
        <source>(includes %1 written to initialise O = 0, ℓ = 0, m = −∞)</source>
        <translation>（含初始化 O = 0、ℓ = 0、m = −∞ 时写入的 %1）</translation>
    </message>
    <message>
        <source>read %1</source>
        <translation>读 %1</translation>
    </message>
    <message>
        <source>write %1</source>
        <translation>写 %1</translation>
    </message>
    <message>
        <source>Online softmax: no query row highlighted in this trace (highlight_row).</source>
        <translation>在线Softmax：此轨迹没有高亮的查询行（highlight_row）。</translation>
    </message>
    <message>
        <source>Online softmax of the highlighted row (query block %1, rows %2–%3):</source>
        <translation>高亮行的在线Softmax（查询块 %1，第 %2–%3 行）：</translation>
    </message>
    <message>
        <source>m: %1 → %2</source>
        <translation>m：%1 → %2</translation>
    </message>
    <message>
        <source>ℓ: %1 → %2</source>
        <translation>ℓ：%1 → %2</translation>
    </message>
    <message>
        <source>m rose: the earlier ℓ and partial output are rescaled by e^(m_old − m_new)</source>
        <translation>m 增大：之前的 ℓ 和部分输出按 e^(m_old − m_new) 重新缩放</translation>
    </message>
    <message>
        <source>m = %1 (since tile (%2, %3))</source>
        <translation>m = %1（自分块 (%2, %3) 起）</translation>
    </message>
    <message>
        <source>ℓ = %1</source>
        <translation>ℓ = %1</translation>
    </message>
    <message>
        <source>this tile does not hold the row</source>
        <translation>当前分块不含该行</translation>
    </message>
    <message>
        <source>m = −∞ (no tile of this row yet)</source>
        <translation>m = −∞（该行尚无分块）</translation>
    </message>
    <message>
        <source>ℓ = 0</source>
        <translation>ℓ = 0</translation>
    </message>
</context>
<context>
    <name>IoModelChart</name>
    <message>
        <source>standard attention Θ(Nd + N²)</source>
        <translation>标准注意力 Θ(Nd + N²)</translation>
    </message>
    <message>
        <source>FlashAttention Θ(N²d²/M)</source>
        <translation>FlashAttention Θ(N²d²/M)</translation>
    </message>
    <message>
        <source>sequence length N</source>
        <translation>序列长度 N</translation>
    </message>
    <message>
        <source>HBM bytes</source>
        <translation>HBM 字节数</translation>
    </message>
    <message>
        <source>HBM traffic of one head: d = %1, M = %2 (%3), FP16, no mask</source>
        <translation>单个注意力头的 HBM 流量：d = %1，M = %2（%3），FP16，无掩码</translation>
    </message>
</context>
<context>
    <name>KvBlockGrid</name>
    <message>
        <source>Physical blocks: %1 of %2 slots each</source>
        <translation>物理块：%1 个，每块 %2 个槽位</translation>
    </message>
    <message numerus="yes">
        <source>Sliding-window rings: one per sequence, %n slot(s) each</source>
        <translation>
            <numerusform>滑动窗口环形缓冲：每个序列一个，各 %n 个槽位</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Contiguous regions: one per sequence, %n slot(s) each</source>
        <translation>
            <numerusform>连续区域：每个序列一个，各 %n 个槽位</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>+ %n more free block(s), unused in this run, not drawn</source>
        <translation>
            <numerusform>另有 %n 个空闲块本次运行未用到，未画出</numerusform>
        </translation>
    </message>
    <message>
        <source>Colour: owning sequence · stripes: shared block · solid part: slots holding a token · ×n: reference count</source>
        <translation>颜色：所属序列 · 条纹：共享块 · 实心部分：存有词元的槽位 · ×n：引用计数</translation>
    </message>
    <message>
        <source>×%1</source>
        <translation>×%1</translation>
    </message>
    <message>
        <source>Block %1: free</source>
        <translation>块 %1：空闲</translation>
    </message>
    <message>
        <source>Block %1: sequence(s) %2 · %3 of %4 slots hold a token · reference count %5</source>
        <translation>块 %1：序列 %2 · %4 个槽位中有 %3 个存有词元 · 引用计数 %5</translation>
    </message>
    <message>
        <source>Block tables (logical → physical)</source>
        <translation>块表（逻辑 → 物理）</translation>
    </message>
    <message numerus="yes">
        <source>seq %1 · %n token(s)</source>
        <translation>
            <numerusform>序列 %1 · %n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>Sequence %1, logical block %2 → physical block %3</source>
        <translation>序列 %1，逻辑块 %2 → 物理块 %3</translation>
    </message>
    <message>
        <source>No sequence holds cache.</source>
        <translation>没有序列占用缓存。</translation>
    </message>
    <message>
        <source>copy-on-write: block %1 → %2</source>
        <translation>写时复制：块 %1 → %2</translation>
    </message>
</context>
<context>
    <name>KvCacheView</name>
    <message>
        <source>Operations at this step</source>
        <translation>本步的缓存操作</translation>
    </message>
    <message>
        <source>KV slots reserved vs holding a token, per step</source>
        <translation>每步的 KV 槽位：已预留与已存词元</translation>
    </message>
    <message>
        <source>slots reserved</source>
        <translation>已预留槽位</translation>
    </message>
    <message>
        <source>slots used</source>
        <translation>已使用槽位</translation>
    </message>
    <message>
        <source>prefill (step 0)</source>
        <translation>预填充（第 0 步）</translation>
    </message>
    <message>
        <source>shown step</source>
        <translation>当前步</translation>
    </message>
    <message>
        <source>step (0 = prefill, then decode)</source>
        <translation>步（0 = 预填充，之后为解码）</translation>
    </message>
    <message>
        <source>slots</source>
        <translation>槽位</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <source>This trace has no KV cache events (a table model keeps no cache).</source>
        <translation>此轨迹没有 KV 缓存事件（表格模型不保留缓存）。</translation>
    </message>
    <message>
        <source>No trace loaded.</source>
        <translation>尚未加载轨迹。</translation>
    </message>
    <message>
        <source>(no cache operation at this step)</source>
        <translation>（本步没有缓存操作）</translation>
    </message>
    <message>
        <source>after the prefill</source>
        <translation>预填充之后</translation>
    </message>
    <message>
        <source>after decode step %1</source>
        <translation>解码第 %1 步之后</translation>
    </message>
    <message>
        <source>Pool %1: %2 of %3 blocks free · %4 shared · fragmentation %5 % · utilization %6 %
%7 slots reserved, %8 hold a token (%9 of KV memory over all layers)</source>
        <translation>%1的块池：%3 个块中 %2 个空闲 · %4 个共享 · 碎片率 %5 % · 利用率 %6 %
预留 %7 个槽位，其中 %8 个存有词元（所有层共占 KV 内存 %9）</translation>
    </message>
    <message>
        <source>alloc: sequence %1 gets block(s) %2</source>
        <translation>分配：序列 %1 获得块 %2</translation>
    </message>
    <message>
        <source>append: sequence %1 writes position(s) %2 into block(s) %3</source>
        <translation>追加：序列 %1 把位置 %2 写入块 %3</translation>
    </message>
    <message>
        <source>fork: sequence %1 → %2, sharing block(s) %3 (reference counts +1, nothing copied)</source>
        <translation>分叉：序列 %1 → %2，共享块 %3（引用计数 +1，不复制数据）</translation>
    </message>
    <message numerus="yes">
        <source>copy-on-write: sequence %1 copies shared block %2 into new block %3 (%n slot(s))</source>
        <translation>
            <numerusform>写时复制：序列 %1 把共享块 %2 复制到新块 %3（%n 个槽位）</numerusform>
        </translation>
    </message>
    <message>
        <source>free: sequence %1 releases block(s) %2</source>
        <translation>释放：序列 %1 释放块 %2</translation>
    </message>
    <message>
        <source>evict: sequence %1 drops position(s) %2 from its window</source>
        <translation>逐出：序列 %1 从窗口中移除位置 %2</translation>
    </message>
    <message>
        <source>prefix hit: sequence %1 reuses cached block(s) %2 for position(s) %3</source>
        <translation>前缀命中：序列 %1 在位置 %3 复用已缓存的块 %2</translation>
    </message>
    <message>
        <source>truncate: sequence %1 discards position(s) %2, returning block(s) %3</source>
        <translation>截断：序列 %1 丢弃位置 %2，归还块 %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>preempt: sequence %1 loses block(s) %2 — %3</source>
        <translation>抢占：序列 %1 失去块 %2——%3</translation>
    </message>
    <message>
        <source>%1: sequence %2, block(s) %3</source>
        <translation>%1：序列 %2，块 %3</translation>
    </message>
    <message>
        <source>a contiguous cache would reserve</source>
        <translation>连续缓存需预留</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Simplified Chinese</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system (%1)</source>
        <translation>跟随系统（%1）</translation>
    </message>
</context>
<context>
    <name>LessonController</name>
    <message>
        <source>The lesson asks for a view “%1” this app does not have (one of %2)</source>
        <translation>课程要求的视图“%1”在本程序中没有（可用的有 %2）</translation>
    </message>
    <message>
        <source>Tutorials</source>
        <translation>教程</translation>
    </message>
    <message>
        <source>&amp;Tutorials</source>
        <translation>教程(&amp;T)</translation>
    </message>
</context>
<context>
    <name>LessonLibrary</name>
    <message>
        <source>Cannot copy the lesson file %1 to %2</source>
        <translation>无法把课程文件 %1 复制到 %2</translation>
    </message>
    <message>
        <source>Cannot load the lesson:
%1</source>
        <translation>无法载入课程：
%1</translation>
    </message>
    <message>
        <source>Cannot make a temporary folder for the lessons: %1</source>
        <translation>无法为课程创建临时文件夹：%1</translation>
    </message>
    <message>
        <source>%1 holds no lesson: a lesson folder has a scenario.json</source>
        <translation>%1 中没有课程：课程文件夹里应有 scenario.json</translation>
    </message>
</context>
<context>
    <name>LessonRequest</name>
    <message>
        <source>The run sets --%1, which the run panel has no setting for: run this lesson with decodelab-cli lesson</source>
        <translation>这次运行设置了 --%1，运行面板中没有这一项：请用 decodelab-cli lesson 运行这一课</translation>
    </message>
    <message>
        <source>The lesson&apos;s run cannot start:
%1</source>
        <translation>这一课的运行无法开始：
%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>DecodeLab traces (*.jsonl);;All files (*)</source>
        <translation>DecodeLab 轨迹 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Picture size</source>
        <translation>图片尺寸</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>高度</translation>
    </message>
    <message>
        <source>every sequence ended (end of sequence)</source>
        <translation>所有序列都已结束（序列结束符）</translation>
    </message>
    <message>
        <source>reached the maximum of new tokens</source>
        <translation>达到最大新词元数</translation>
    </message>
    <message>
        <source>the strategy is done</source>
        <translation>解码策略已完成</translation>
    </message>
    <message>
        <source>the KV cache is full</source>
        <translation>KV 缓存已满</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run panel</source>
        <translation>运行面板</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Step %1 of at most %2</source>
        <translation>第 %1 步，最多 %2 步</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open trace…</source>
        <translation>打开轨迹(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save trace…</source>
        <translation>保存轨迹(&amp;S)…</translation>
    </message>
    <message>
        <source>Recent files</source>
        <translation>最近的文件</translation>
    </message>
    <message>
        <source>&amp;Export view…</source>
        <translation>导出视图(&amp;E)…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Export chart data (CSV)…</source>
        <translation>导出图表数据 (CSV)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About DecodeLab</source>
        <translation>关于 DecodeLab(&amp;A)</translation>
    </message>
    <message>
        <source>About DecodeLab</source>
        <translation>关于 DecodeLab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;DecodeLab %1&lt;/h3&gt;&lt;p&gt;See how language models decode text — greedy, beam and contrastive search, sampling — and how inference is accelerated: the KV cache, PagedAttention and FlashAttention.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;DecodeLab %1&lt;/h3&gt;&lt;p&gt;观察语言模型如何解码文本——贪心搜索、集束搜索、对比搜索与采样——以及推理如何加速：KV 缓存、PagedAttention 和 FlashAttention。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>DecodeLab</source>
        <translation>DecodeLab</translation>
    </message>
    <message>
        <source>Cannot open the trace:
%1</source>
        <translation>无法打开轨迹：
%1</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>There is no trace to save yet: run a model or open a trace.</source>
        <translation>还没有可保存的轨迹：请运行模型或打开轨迹。</translation>
    </message>
    <message>
        <source>Cannot save the trace:
%1</source>
        <translation>无法保存轨迹：
%1</translation>
    </message>
    <message>
        <source>Run finished: %1</source>
        <translation>运行结束：%1</translation>
    </message>
    <message>
        <source>There is no view to export.</source>
        <translation>没有可导出的视图。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Open trace</source>
        <translation>打开轨迹</translation>
    </message>
    <message>
        <source>Save trace</source>
        <translation>保存轨迹</translation>
    </message>
    <message>
        <source>Export view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Export chart data</source>
        <translation>导出图表数据</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>live run</source>
        <translation>实时运行</translation>
    </message>
    <message>
        <source>unsaved run</source>
        <translation>未保存的运行</translation>
    </message>
    <message>
        <source>%1 — DecodeLab</source>
        <translation>%1 — DecodeLab</translation>
    </message>
    <message>
        <source>Model %1 chosen: press Run</source>
        <translation>已选择模型 %1：请按“运行”</translation>
    </message>
    <message>
        <source>&amp;Compare traces…</source>
        <translation>对比轨迹(&amp;C)…</translation>
    </message>
    <message>
        <source>Open a second trace and see where it first diverges from this one</source>
        <translation>打开另一条轨迹，查看它与当前轨迹首次出现分歧的位置</translation>
    </message>
    <message>
        <source>Debugging</source>
        <translation>调试</translation>
    </message>
    <message>
        <source>Pause-on conditions</source>
        <translation>暂停条件</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run after the step in flight</source>
        <translation>在当前这一步完成后停止运行</translation>
    </message>
    <message>
        <source>Paused at step %1: %2</source>
        <translation>在第 %1 步暂停：%2</translation>
    </message>
    <message>
        <source>The comparison has no rows to export.</source>
        <translation>对比表中没有可导出的行。</translation>
    </message>
    <message>
        <source>Open or run a trace first, then compare another trace with it.</source>
        <translation>请先打开或运行一条轨迹，再用另一条轨迹与它对比。</translation>
    </message>
    <message>
        <source>Compare with trace</source>
        <translation>与轨迹对比</translation>
    </message>
    <message>
        <source>%1; the view stays at step %2, where it paused</source>
        <translation>%1；视图停留在暂停时的第 %2 步</translation>
    </message>
    <message>
        <source>Export trace for Perfetto (Chrome JSON)…</source>
        <translation>导出轨迹供 Perfetto 查看（Chrome JSON）…</translation>
    </message>
    <message>
        <source>There is no trace to export yet: run a model or open a trace.</source>
        <translation>还没有可导出的轨迹：请先运行模型或打开一个轨迹。</translation>
    </message>
    <message>
        <source>Cannot export the trace:
%1</source>
        <translation>无法导出轨迹：
%1</translation>
    </message>
    <message>
        <source>Export trace for Perfetto</source>
        <translation>导出轨迹供 Perfetto 查看</translation>
    </message>
    <message>
        <source>Chrome trace JSON (*.json)</source>
        <translation>Chrome 轨迹 JSON (*.json)</translation>
    </message>
</context>
<context>
    <name>MemoryHierarchyView</name>
    <message>
        <source>%1 TB/s</source>
        <translation>%1 TB/s</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>KiB</source>
        <translation>KiB</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>TiB</source>
        <translation>TiB</translation>
    </message>
    <message>
        <source>Compare with device:</source>
        <translation>对比设备：</translation>
    </message>
    <message>
        <source>Memory hierarchy</source>
        <translation>内存层次结构</translation>
    </message>
    <message>
        <source>The book prints this as Tbit/s (Gbit/s for main memory); the FlashAttention paper&apos;s figure it reproduces gives bytes per second: 19 TB/s, 1.5 TB/s and 12.8 GB/s.</source>
        <translation>教材印作 Tbit/s（主存储器为 Gbit/s）；它所引用的 FlashAttention 论文原图给出的是每秒字节数：19 TB/s、1.5 TB/s 和 12.8 GB/s。</translation>
    </message>
    <message>
        <source>GPU SRAM</source>
        <translation>GPU SRAM</translation>
    </message>
    <message>
        <source>20 MB</source>
        <translation>20 MB</translation>
    </message>
    <message>
        <source>GPU HBM</source>
        <translation>GPU HBM</translation>
    </message>
    <message>
        <source>40 GB</source>
        <translation>40 GB</translation>
    </message>
    <message>
        <source>Main memory (CPU DRAM)</source>
        <translation>主存储器（CPU DRAM）</translation>
    </message>
    <message>
        <source>&gt; 1 TB</source>
        <translation>大于 1 TB</translation>
    </message>
    <message>
        <source>Shared memory of all %1 SMs together</source>
        <translation>全部 %1 个 SM 的共享内存之和</translation>
    </message>
    <message>
        <source>the host&apos;s</source>
        <translation>取决于主机</translation>
    </message>
    <message>
        <source>Host-to-device bandwidth; the host&apos;s memory size varies</source>
        <translation>主机到设备的带宽；主机内存大小因机器而异</translation>
    </message>
    <message>
        <source>%1: width ∝ log₁₀ of its capacity</source>
        <translation>%1：宽度与容量的常用对数成正比</translation>
    </message>
    <message>
        <source>Figure 3-2 (内存层次结构). The book prints the bandwidths as Tbit/s and Gbit/s; the FlashAttention paper&apos;s figure means bytes: TB/s and GB/s.</source>
        <translation>图 3-2（内存层次结构）。教材将带宽印作 Tbit/s 和 Gbit/s；FlashAttention 论文原图的单位是字节：TB/s 和 GB/s。</translation>
    </message>
    <message>
        <source>Textbook Figure 3-2 (FlashAttention paper, A100) *</source>
        <translation>教材图 3-2（FlashAttention 论文，A100）*</translation>
    </message>
    <message>
        <source>* The book prints Tbit/s and Gbit/s; the paper&apos;s figure, and these labels, mean bytes per second (TB/s, GB/s).</source>
        <translation>* 教材印作 Tbit/s 和 Gbit/s；论文原图和这里的标注都指每秒字节数（TB/s、GB/s）。</translation>
    </message>
    <message>
        <source>Faster memory is smaller. FlashAttention keeps each tile&apos;s scores in SRAM and moves only Q, K, V and O through HBM.</source>
        <translation>存储越快，容量越小。FlashAttention 把每个分块的注意力得分留在 SRAM 中，只让 Q、K、V 和 O 经过 HBM。</translation>
    </message>
    <message>
        <source>Load a trace to see what its attention moved through HBM.</source>
        <translation>加载轨迹，查看其注意力计算经 HBM 搬运了多少数据。</translation>
    </message>
    <message>
        <source>Step %1 records no attention tiles (decode steps read the KV cache row by row).</source>
        <translation>第 %1 步没有记录注意力分块（解码步逐行读取 KV 缓存）。</translation>
    </message>
    <message>
        <source>Step %1: the traced head&apos;s attention moved %2 through HBM — %3 µs at %4 on the %5 (roofline model)</source>
        <translation>第 %1 步：所记录注意力头的计算经 HBM 搬运了 %2——在 %5 上按 %4 计需 %3 µs（屋顶线模型）</translation>
    </message>
    <message>
        <source>M, the SRAM one thread block may use on the %1, is %2 (%3 four-byte elements): it sets FlashAttention&apos;s tile sizes, Bc = ⌈M / 4d⌉ key rows and Br = min(Bc, d) query rows, M counted in elements.</source>
        <translation>%1 上一个线程块可用的 SRAM 容量 M 为 %2（%3 个四字节元素）：它决定 FlashAttention 的分块大小——Bc = ⌈M / 4d⌉ 个键行，Br = min(Bc, d) 个查询行，其中 M 按元素个数计。</translation>
    </message>
    <message>
        <source>This trace ran on the %1: %2 SMs, %3 of shared memory per thread block, %4 of L2, %5 of HBM at %6 in theory (2 × memory clock × bus width).</source>
        <translation>这条轨迹运行在 %1 上：%2 个 SM，每个线程块 %3 共享内存，%4 L2 缓存，%5 高带宽内存（HBM），理论带宽 %6（2 × 显存时钟 × 总线位宽）。</translation>
    </message>
</context>
<context>
    <name>NarrationView</name>
    <message>
        <source>Narration</source>
        <translation>讲解</translation>
    </message>
    <message>
        <source>Prompt and prefill</source>
        <translation>提示词与预填充</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Prompt: %1</source>
        <translation>提示词：%1</translation>
    </message>
    <message>
        <source>Step %1: %2</source>
        <translation>第 %1 步：%2</translation>
    </message>
</context>
<context>
    <name>Narrator</name>
    <message>
        <source>top-k</source>
        <translation>top-k</translation>
    </message>
    <message>
        <source>top-p</source>
        <translation>top-p</translation>
    </message>
    <message>
        <source>min-p</source>
        <translation>min-p</translation>
    </message>
    <message>
        <source>typical-p</source>
        <translation>typical-p</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>no-repeat n-gram</source>
        <translation>禁止重复 n 元组</translation>
    </message>
    <message>
        <source>1 token</source>
        <translation>1 个词元</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <source>NaN</source>
        <translation>NaN</translation>
    </message>
    <message>
        <source>−∞</source>
        <translation>−∞</translation>
    </message>
    <message>
        <source>∞</source>
        <translation>∞</translation>
    </message>
    <message>
        <source>&lt;eos&gt;</source>
        <translation>&lt;eos&gt;</translation>
    </message>
    <message>
        <source>∅</source>
        <translation>∅</translation>
    </message>
    <message>
        <source>“%1”</source>
        <translation>“%1”</translation>
    </message>
    <message>
        <source>out of the beam</source>
        <translation>落选集束</translation>
    </message>
    <message>
        <source>EOS out of rank</source>
        <translation>EOS 排名落后</translation>
    </message>
    <message>
        <source>below the finished</source>
        <translation>低于已完成序列</translation>
    </message>
    <message>
        <source>not chosen</source>
        <translation>未选中</translation>
    </message>
    <message>
        <source>cut by %1</source>
        <translation>被 %1 剪除</translation>
    </message>
    <message>
        <source>%1 and %2</source>
        <translation>%1和%2</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>&lt;bos&gt;</source>
        <translation>&lt;bos&gt;</translation>
    </message>
    <message>
        <source>The prompt “%1” is %2: %3. The table model looks up the next-token probabilities for it (it keeps no KV cache); then %4 generates one token per step.</source>
        <translation>提示词“%1”共 %2：%3。表格模型为它查出下一个词元的概率（不保留 KV 缓存）；随后%4每步生成一个词元。</translation>
    </message>
    <message>
        <source>the paged KV cache (blocks of %1 positions)</source>
        <translation>分页 KV 缓存（每块 %1 个位置）</translation>
    </message>
    <message>
        <source>the sliding-window KV cache (%1 positions)</source>
        <translation>滑动窗口 KV 缓存（%1 个位置）</translation>
    </message>
    <message>
        <source>the contiguous KV cache</source>
        <translation>连续 KV 缓存</translation>
    </message>
    <message>
        <source>The prompt “%1” is %2: %3. The prefill pass runs them through the model at once and stores their keys and values in %4; then %5 generates one token per step.</source>
        <translation>提示词“%1”共 %2：%3。预填充阶段让它们一次性通过模型，并把它们的键和值存入%4；随后%5每步生成一个词元。</translation>
    </message>
    <message>
        <source>greedy search</source>
        <translation>贪心搜索</translation>
    </message>
    <message>
        <source>beam search with k = %1 beams</source>
        <translation>集束宽度 k = %1 的集束搜索</translation>
    </message>
    <message>
        <source>contrastive search (α = %1, top-k = %2)</source>
        <translation>对比搜索（α = %1，top-k = %2）</translation>
    </message>
    <message>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <source>random sampling from the full distribution</source>
        <translation>在完整分布上的随机采样</translation>
    </message>
    <message>
        <source>sampling with %1</source>
        <translation>采用 %1 的采样</translation>
    </message>
    <message>
        <source>%1 is finished, with cumulative log-probability %2.</source>
        <translation>%1 已结束，累积对数概率为 %2。</translation>
    </message>
    <message>
        <source>%1 are finished, with cumulative log-probabilities %2.</source>
        <translation>%1 已结束，累积对数概率分别为 %2。</translation>
    </message>
    <message>
        <source>%1 only fill the beam: the model gives every continuation left probability 0 (log-probability −∞).</source>
        <translation>%1 只是填满集束：模型给剩下的每种续写的概率都是 0（对数概率 −∞）。</translation>
    </message>
    <message>
        <source>%1 survives: its cumulative log-probability %2 is the best of the %3 candidates.</source>
        <translation>%1 保留下来：它的累积对数概率 %2 在 %3 个候选中最高。</translation>
    </message>
    <message>
        <source>%1 survives with cumulative log-probability %2.</source>
        <translation>%1 保留下来，累积对数概率为 %2。</translation>
    </message>
    <message>
        <source>%1 survive: their cumulative log-probabilities %2 are the best %3 of the %4 candidates.</source>
        <translation>%1 保留下来：它们的累积对数概率 %2 是 %4 个候选中最高的 %3 个。</translation>
    </message>
    <message>
        <source>%1 survive with cumulative log-probabilities %2.</source>
        <translation>%1 保留下来，累积对数概率分别为 %2。</translation>
    </message>
    <message>
        <source>%1 drops out: none of its continuations ranks among the best.</source>
        <translation>%1 被淘汰：它的续写都没有排进最优之列。</translation>
    </message>
    <message>
        <source>%1 drop out: none of their continuations ranks among the best.</source>
        <translation>%1 被淘汰：它们的续写都没有排进最优之列。</translation>
    </message>
    <message>
        <source>‘%1’ is chosen: the most probable token (p = %2), ahead of ‘%3’ (p = %4).</source>
        <translation>选中‘%1’：概率最高的词元（p = %2），领先于‘%3’（p = %4）。</translation>
    </message>
    <message>
        <source>‘%1’ is chosen: the most probable token (p = %2).</source>
        <translation>选中‘%1’：概率最高的词元（p = %2）。</translation>
    </message>
    <message>
        <source>It ends the sequence.</source>
        <translation>它结束了该序列。</translation>
    </message>
    <message>
        <source>Sampled ‘%1’ (p = %2; the chain cut none of the most probable tokens).</source>
        <translation>采样到‘%1’（p = %2；采样链没有剪除任何高概率词元）。</translation>
    </message>
    <message>
        <source>Sampled ‘%1’ (p = %2 after %3 kept %4).</source>
        <translation>采样到‘%1’（%3 保留 %4 后 p = %2）。</translation>
    </message>
    <message>
        <source>Sampled ‘%1’ (p = %2 after %3 kept %4; the model alone gave it %5).</source>
        <translation>采样到‘%1’（%3 保留 %4 后 p = %2；模型本身给它的概率是 %5）。</translation>
    </message>
    <message>
        <source>Sequence %1: %2</source>
        <translation>序列 %1：%2</translation>
    </message>
    <message>
        <source>‘%1’ wins: (1 − α) × confidence %2 minus α × degeneration penalty %3 gives %4 with α = %5, the best of the %6 candidates.</source>
        <translation>‘%1’胜出：α = %5 时，(1 − α) × 置信度 %2 减去 α × 退化惩罚 %3 得 %4，在 %6 个候选中最高。</translation>
    </message>
    <message>
        <source>The most probable, ‘%1’ (confidence %2), loses on its degeneration penalty %3 (score %4).</source>
        <translation>概率最高的‘%1’（置信度 %2）因退化惩罚 %3 落败（得分 %4）。</translation>
    </message>
    <message>
        <source>Decoding stops: the end-of-sequence token was generated.</source>
        <translation>解码停止：生成了序列结束符。</translation>
    </message>
    <message>
        <source>Decoding stops: the limit of max_new_tokens = %1 new tokens is reached.</source>
        <translation>解码停止：达到 max_new_tokens = %1 个新词元的上限。</translation>
    </message>
    <message>
        <source>Decoding stops: every sequence has finished.</source>
        <translation>解码停止：所有序列都已结束。</translation>
    </message>
    <message>
        <source>Decoding stops: the KV cache ran out of room.</source>
        <translation>解码停止：KV 缓存空间耗尽。</translation>
    </message>
    <message>
        <source>Decoding stops: the KV cache ran out of room (%1).</source>
        <translation>解码停止：KV 缓存空间耗尽（%1）。</translation>
    </message>
    <message>
        <source>Decoding stops (%1).</source>
        <translation>解码停止（%1）。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 Speculative sampling makes each step a round: %2 proposes up to %3 tokens, the target model verifies them in one pass, and a step can add several tokens.</source>
        <translation>%1 投机采样让每一步成为一轮：%2提出至多 %3 个词元，目标模型在一次前向计算中验证它们，因此一步可以增加多个词元。</translation>
    </message>
</context>
<context>
    <name>Presentation</name>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Font size (for projectors)</source>
        <translation>字号（用于投影）(&amp;F)</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
</context>
<context>
    <name>RunDrafter</name>
    <message>
        <source>%1: the draft&apos;s vocabulary has %2 entries but the target&apos;s has %3; speculative sampling needs the target&apos;s vocabulary</source>
        <translation>%1：草稿的词表有 %2 项，而目标模型的词表有 %3 项；投机采样要求与目标模型使用同一词表</translation>
    </message>
    <message>
        <source>%1: entry %2 is %3 in the draft but %4 in the target; speculative sampling needs the target&apos;s vocabulary</source>
        <translation>%1：第 %2 项在草稿中是 %3，在目标模型中却是 %4；投机采样要求与目标模型使用同一词表</translation>
    </message>
    <message>
        <source>A draft table drafts for a table model; this model is a neural network: choose the draft model or prompt lookup</source>
        <translation>草稿表格只能为表格模型起草；当前模型是神经网络：请选择草稿模型或提示查找</translation>
    </message>
    <message>
        <source>Draft table %1</source>
        <translation>草稿表格 %1</translation>
    </message>
    <message>
        <source>A table model drafts with a draft table of its symbols, not with a draft model</source>
        <translation>表格模型用同一符号表的草稿表格起草，不能使用草稿模型</translation>
    </message>
    <message>
        <source>Draft model %1</source>
        <translation>草稿模型 %1</translation>
    </message>
    <message>
        <source>%1: the model has no tokenizer</source>
        <translation>%1：该模型没有分词器</translation>
    </message>
</context>
<context>
    <name>RunEngine</name>
    <message>
        <source>This build has no CUDA backend</source>
        <translation>此版本未编译 CUDA 后端</translation>
    </message>
    <message>
        <source>No CUDA device</source>
        <translation>没有 CUDA 设备</translation>
    </message>
    <message>
        <source>The sliding-window KV cache runs only on the CPU for now</source>
        <translation>滑动窗口 KV 缓存目前只能在 CPU 上运行</translation>
    </message>
    <message>
        <source>FlashAttention runs only on the CPU for now</source>
        <translation>FlashAttention 目前只能在 CPU 上运行</translation>
    </message>
    <message>
        <source>The CUDA GPU backend cannot run this: %1</source>
        <translation>CUDA GPU 后端无法运行此设置：%1</translation>
    </message>
    <message>
        <source>%1; running on the CPU</source>
        <translation>%1；改在 CPU 上运行</translation>
    </message>
</context>
<context>
    <name>RunPanel</name>
    <message>
        <source>Greedy search</source>
        <translation>贪心搜索</translation>
    </message>
    <message>
        <source>Beam search</source>
        <translation>集束搜索</translation>
    </message>
    <message>
        <source>Contrastive search</source>
        <translation>对比搜索</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>false (no better beam possible)</source>
        <translation>否（已不可能有更好的集束时停止）</translation>
    </message>
    <message>
        <source>true (k finished)</source>
        <translation>是（k 个序列完成时停止）</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <source>llama.cpp</source>
        <translation>llama.cpp</translation>
    </message>
    <message>
        <source>Contiguous</source>
        <translation>连续</translation>
    </message>
    <message>
        <source>Sliding window</source>
        <translation>滑动窗口</translation>
    </message>
    <message>
        <source>Paged (PagedAttention)</source>
        <translation>分页（PagedAttention）</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Share identical prefixes</source>
        <translation>共享相同前缀</translation>
    </message>
    <message>
        <source>Naive (materializes S and P)</source>
        <translation>标准注意力（显式生成 S 和 P）</translation>
    </message>
    <message>
        <source>FlashAttention (tiled)</source>
        <translation>FlashAttention（分块）</translation>
    </message>
    <message>
        <source>preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>from SRAM</source>
        <translation>由 SRAM 决定</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Embedded: stories (target)</source>
        <translation>内置：故事模型（目标）</translation>
    </message>
    <message>
        <source>Embedded: stories (draft)</source>
        <translation>内置：故事模型（草稿）</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>A GGUF or llama2.c model, or a table model (.json)</source>
        <translation>GGUF 或 llama2.c 模型，或表格模型 (.json)</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Model and prompt</source>
        <translation>模型与提示词</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>最大新词元数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Beams (k)</source>
        <translation>集束宽度 (k)</translation>
    </message>
    <message>
        <source>Length penalty</source>
        <translation>长度惩罚</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>Returned sequences</source>
        <translation>返回序列数</translation>
    </message>
    <message>
        <source>Penalty α</source>
        <translation>惩罚系数 α</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
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
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Typical-p</source>
        <translation>Typical-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>No-repeat n-gram</source>
        <translation>禁止重复 n 元组</translation>
    </message>
    <message>
        <source>Chain order</source>
        <translation>采样链顺序</translation>
    </message>
    <message>
        <source>Decoding strategy</source>
        <translation>解码策略</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Block size</source>
        <translation>块大小</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>块数</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Sink tokens</source>
        <translation>汇聚词元</translation>
    </message>
    <message>
        <source> B</source>
        <translation> B</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>SRAM budget (M)</source>
        <translation>SRAM 预算 (M)</translation>
    </message>
    <message>
        <source>Tile rows (Br)</source>
        <translation>分块行数 (Br)</translation>
    </message>
    <message>
        <source>Tile columns (Bc)</source>
        <translation>分块列数 (Bc)</translation>
    </message>
    <message>
        <source>Highlighted query row</source>
        <translation>高亮查询行</translation>
    </message>
    <message>
        <source>Table: %1</source>
        <translation>表格：%1</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Models (*.gguf *.bin *.json);;GGUF (*.gguf);;llama2.c checkpoints (*.bin);;Table models (*.json);;All files (*)</source>
        <translation>模型 (*.gguf *.bin *.json);;GGUF (*.gguf);;llama2.c 检查点 (*.bin);;表格模型 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>Automatic: the CUDA GPU when one is present and runs these settings, else the CPU</source>
        <translation>自动：有 CUDA GPU 且能运行这些设置时使用 GPU，否则使用 CPU</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>model&apos;s context</source>
        <translation>模型的上下文长度</translation>
    </message>
    <message>
        <source>Max sequence length</source>
        <translation>最大序列长度</translation>
    </message>
    <message>
        <source>Stop at end of sequence</source>
        <translation>遇到序列结束符时停止</translation>
    </message>
    <message>
        <source>Off: a sequence goes on past the end-of-sequence token up to the maximum of new tokens</source>
        <translation>关闭时，序列越过序列结束符继续生成，直到达到最大新词元数</translation>
    </message>
</context>
<context>
    <name>SpecRoundRows</name>
    <message>
        <source>accepted</source>
        <translation>接受</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>未验证</translation>
    </message>
    <message>
        <source>resampled</source>
        <translation>重新采样</translation>
    </message>
    <message>
        <source>bonus token</source>
        <translation>额外词元</translation>
    </message>
    <message>
        <source>Round %1 · γ = %2</source>
        <translation>第 %1 轮 · γ = %2</translation>
    </message>
    <message>
        <source>(no draft)</source>
        <translation>（无草稿）</translation>
    </message>
</context>
<context>
    <name>SpecRoundText</name>
    <message>
        <source>the draft table</source>
        <translation>草稿表格</translation>
    </message>
    <message>
        <source>prompt lookup</source>
        <translation>提示查找</translation>
    </message>
    <message>
        <source>the draft model</source>
        <translation>草稿模型</translation>
    </message>
    <message numerus="yes">
        <source>The round added %n token(s) with one pass of the target model.</source>
        <translation>
            <numerusform>本轮通过目标模型的一次前向计算增加了 %n 个词元。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The round added %n token(s) from the prefill&apos;s last logits, without a new pass of the target model.</source>
        <translation>
            <numerusform>本轮利用预填充的最后一组 logit 增加了 %n 个词元，目标模型无需再做前向计算。</numerusform>
        </translation>
    </message>
    <message>
        <source>Round %1: %2 proposed nothing, so the target model chose “%3” on its own, as in plain decoding. %4</source>
        <translation>第 %1 轮：%2没有提出草稿，目标模型像普通解码一样自行选出“%3”。%4</translation>
    </message>
    <message numerus="yes">
        <source>Round %1: %2 proposed %n token(s)</source>
        <translation>
            <numerusform>第 %1 轮：%2提出 %n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>each is the target model&apos;s most probable token, so all are accepted, and its next most probable token “%1” comes free</source>
        <translation>每个都是目标模型概率最高的词元，因此全部接受，目标模型的下一个最可能词元“%1”随之免费得到</translation>
    </message>
    <message>
        <source>the target model accepted all of them and drew a bonus token “%1” from its own distribution p</source>
        <translation>目标模型全部接受，并从自己的分布 p 中采样得到额外词元“%1”</translation>
    </message>
    <message>
        <source>the target model rejected the first, “%1”, and takes its own most probable token “%2” instead</source>
        <translation>目标模型拒绝了第一个词元“%1”，改用自己概率最高的词元“%2”</translation>
    </message>
    <message>
        <source>the target model rejected the first, “%1”, and resampled “%2” from the residual distribution norm(max(0, p − q))</source>
        <translation>目标模型拒绝了第一个词元“%1”，并从残差分布 norm(max(0, p − q)) 重新采样得到“%2”</translation>
    </message>
    <message numerus="yes">
        <source>the target model accepted the first %n, rejected “%1” at position %2 and takes its own most probable token “%3” instead</source>
        <translation>
            <numerusform>目标模型接受前 %n 个，在第 %2 个位置拒绝“%1”，改用自己概率最高的词元“%3”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the target model accepted the first %n, rejected “%1” at position %2 and resampled “%3” from the residual distribution norm(max(0, p − q))</source>
        <translation>
            <numerusform>目标模型接受前 %n 个，在第 %2 个位置拒绝“%1”，并从残差分布 norm(max(0, p − q)) 重新采样得到“%3”</numerusform>
        </translation>
    </message>
    <message>
        <source>%1; %2. %3</source>
        <translation>%1，%2。%3</translation>
    </message>
    <message numerus="yes">
        <source>the %n draft(s) after it were never verified</source>
        <translation>
            <numerusform>其后的 %n 个草稿词元未经验证</numerusform>
        </translation>
    </message>
    <message>
        <source>%1; %2; %3. %4</source>
        <translation>%1，%2；%3。%4</translation>
    </message>
    <message>
        <source>Draft %1, “%2”: q = %3 (draft), p = %4 (target)</source>
        <translation>第 %1 个草稿词元“%2”：q = %3（草稿），p = %4（目标）</translation>
    </message>
    <message>
        <source>%1 — not verified: an earlier draft was rejected.</source>
        <translation>%1 —— 未验证：前面的草稿词元已被拒绝。</translation>
    </message>
    <message>
        <source>%1 — accepted: it is the target model&apos;s most probable token.</source>
        <translation>%1 —— 接受：它是目标模型概率最高的词元。</translation>
    </message>
    <message>
        <source>%1 — rejected: it is not the target model&apos;s most probable token.</source>
        <translation>%1 —— 拒绝：它不是目标模型概率最高的词元。</translation>
    </message>
    <message>
        <source>%1 — accepted: r = %2 &lt; p/q = %3.</source>
        <translation>%1 —— 接受：r = %2 &lt; p/q = %3。</translation>
    </message>
    <message>
        <source>%1 — rejected: r = %2 ≥ p/q = %3.</source>
        <translation>%1 —— 拒绝：r = %2 ≥ p/q = %3。</translation>
    </message>
    <message>
        <source>“%1”: every draft was accepted; the target model&apos;s most probable next token comes free.</source>
        <translation>“%1”：所有草稿词元都被接受；目标模型概率最高的下一个词元随之免费得到。</translation>
    </message>
    <message>
        <source>“%1”: every draft was accepted; a bonus token drawn from the target model&apos;s p.</source>
        <translation>“%1”：所有草稿词元都被接受；这是从目标模型的 p 中采样得到的额外词元。</translation>
    </message>
    <message>
        <source>“%1”: the target model&apos;s most probable token replaces the rejected draft.</source>
        <translation>“%1”：目标模型概率最高的词元取代被拒绝的草稿词元。</translation>
    </message>
    <message>
        <source>“%1”: resampled from the residual distribution norm(max(0, p − q)).</source>
        <translation>“%1”：从残差分布 norm(max(0, p − q)) 重新采样得到。</translation>
    </message>
</context>
<context>
    <name>SpeculativeSettings</name>
    <message>
        <source>Speculative sampling</source>
        <translation>投机采样</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Draft model</source>
        <translation>草稿模型</translation>
    </message>
    <message>
        <source>Prompt lookup (n-gram)</source>
        <translation>提示查找（n 元语法）</translation>
    </message>
    <message>
        <source>Draft table</source>
        <translation>草稿表格</translation>
    </message>
    <message>
        <source>Who proposes the tokens the target model verifies in one pass: a smaller draft model, copies of what followed the same words earlier in the text, or a draft table for a table model</source>
        <translation>由谁提出供目标模型一次前向计算验证的词元：较小的草稿模型、复制文中相同词语之前出现后的内容，或为表格模型配对的草稿表格</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Heuristic (+2 after a round fully accepted, −1 otherwise)</source>
        <translation>启发式（一轮全部接受后 +2，否则 −1）</translation>
    </message>
    <message>
        <source>γ: how many tokens the drafter proposes per round</source>
        <translation>γ：每轮提出的草稿词元数</translation>
    </message>
    <message>
        <source>Prompt lookup matches the text&apos;s last n tokens, n from this down to 1</source>
        <translation>提示查找匹配文本末尾的 n 个词元，n 从此值递减到 1</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>A GGUF or llama2.c model with the target model&apos;s vocabulary</source>
        <translation>与目标模型词表相同的 GGUF 或 llama2.c 模型</translation>
    </message>
    <message>
        <source>A table model (.json) with the target table&apos;s symbols</source>
        <translation>与目标表格符号相同的表格模型（.json）</translation>
    </message>
    <message>
        <source>Drafter</source>
        <translation>草稿来源</translation>
    </message>
    <message>
        <source>Draft tokens (γ)</source>
        <translation>草稿词元数（γ）</translation>
    </message>
    <message>
        <source>γ schedule</source>
        <translation>γ 调整方式</translation>
    </message>
    <message>
        <source>Longest n-gram</source>
        <translation>最长 n 元语法</translation>
    </message>
    <message>
        <source>Embedded: stories (draft)</source>
        <translation>内置：故事模型（草稿）</translation>
    </message>
    <message>
        <source>Table: %1</source>
        <translation>表格：%1</translation>
    </message>
    <message>
        <source>Open a draft table</source>
        <translation>打开草稿表格</translation>
    </message>
    <message>
        <source>Table models (*.json)</source>
        <translation>表格模型 (*.json)</translation>
    </message>
    <message>
        <source>Open a draft model</source>
        <translation>打开草稿模型</translation>
    </message>
    <message>
        <source>Models (*.gguf *.bin);;GGUF (*.gguf);;llama2.c checkpoints (*.bin);;All files (*)</source>
        <translation>模型 (*.gguf *.bin);;GGUF (*.gguf);;llama2.c 检查点 (*.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Only greedy search and sampling can draft: this strategy decodes without a drafter.</source>
        <translation>只有贪心搜索和采样可以使用投机采样：当前策略将不使用草稿来源进行解码。</translation>
    </message>
    <message>
        <source>A table model drafts with a draft table of its symbols.</source>
        <translation>表格模型使用同一符号表的草稿表格起草。</translation>
    </message>
    <message>
        <source>A draft table drafts for a table model; choose the draft model or prompt lookup.</source>
        <translation>草稿表格只能为表格模型起草；请选择草稿模型或提示查找。</translation>
    </message>
    <message>
        <source>Each step is one round: the drafter proposes γ tokens and the target model verifies them in one pass.</source>
        <translation>每一步是一轮：草稿来源提出 γ 个词元，目标模型在一次前向计算中验证它们。</translation>
    </message>
    <message>
        <source>Speculative sampling: a table model drafts with a draft table of its symbols</source>
        <translation>投机采样：表格模型使用同一符号表的草稿表格起草</translation>
    </message>
    <message>
        <source>Speculative sampling: a draft table drafts for a table model</source>
        <translation>投机采样：草稿表格只能为表格模型起草</translation>
    </message>
    <message>
        <source>Speculative sampling decodes one sequence: set Returned sequences to 1</source>
        <translation>投机采样只解码一个序列：请把“返回序列数”设为 1</translation>
    </message>
    <message>
        <source>Speculative sampling: choose a draft table</source>
        <translation>投机采样：请选择草稿表格</translation>
    </message>
</context>
<context>
    <name>SpeculativeView</name>
    <message>
        <source>Speculative sampling</source>
        <translation>投机采样</translation>
    </message>
    <message>
        <source>α so far</source>
        <translation>截至当前的 α</translation>
    </message>
    <message>
        <source>Acceptance rate α, round by round</source>
        <translation>逐轮的接受率 α</translation>
    </message>
    <message>
        <source>round</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>accepted / verified drafts</source>
        <translation>接受数 / 已验证草稿数</translation>
    </message>
    <message>
        <source>shown round</source>
        <translation>当前轮</translation>
    </message>
    <message>
        <source>measured: tokens per round</source>
        <translation>实测：每轮词元数</translation>
    </message>
    <message>
        <source>expected: (1 − α^(γ+1)) / (1 − α)</source>
        <translation>理论：(1 − α^(γ+1)) / (1 − α)</translation>
    </message>
    <message>
        <source>Tokens per pass of the target model</source>
        <translation>目标模型每次前向计算产生的词元数</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>No trace loaded.</source>
        <translation>尚未加载轨迹。</translation>
    </message>
    <message>
        <source>This trace has no speculative sampling: no round of drafting and verification was recorded.

To get one, choose a drafter under Speculative sampling in the run panel (with greedy search or sampling) and run, or record a trace with “decodelab-cli generate --draft-model FILE --trace FILE.jsonl” (or “--draft ngram”, or “--draft-table FILE” for a table model).</source>
        <translation>此轨迹没有投机采样：没有记录任何起草与验证的轮次。

要得到这样的轨迹，请在运行面板的“投机采样”中选择草稿来源（配合贪心搜索或采样）后运行，或用“decodelab-cli generate --draft-model 文件 --trace 文件.jsonl”记录轨迹（也可用“--draft ngram”，表格模型用“--draft-table 文件”）。</translation>
    </message>
    <message>
        <source>Step %1 is the prompt&apos;s prefill; the first round of drafting and verification is step %2.</source>
        <translation>第 %1 步是提示词的预填充；第一轮起草与验证在第 %2 步。</translation>
    </message>
    <message>
        <source>p: target model</source>
        <translation>p：目标模型</translation>
    </message>
    <message>
        <source>q: draft</source>
        <translation>q：草稿</translation>
    </message>
    <message>
        <source>residual norm(max(0, p − q))</source>
        <translation>残差分布 norm(max(0, p − q))</translation>
    </message>
    <message>
        <source>Round %1, position %2: the target model&apos;s p against the draft&apos;s q</source>
        <translation>第 %1 轮，第 %2 个位置：目标模型的 p 与草稿的 q</translation>
    </message>
    <message>
        <source>Round %1, position %2: the target model&apos;s p after every draft</source>
        <translation>第 %1 轮，第 %2 个位置：全部草稿之后目标模型的 p</translation>
    </message>
    <message>
        <source>After round %1 of %2: α = %3 · %4 tokens per target pass, theory %5.</source>
        <translation>第 %1 轮（共 %2 轮）之后：接受率 α = %3 · 每次目标模型前向计算 %4 个词元，理论值 %5。</translation>
    </message>
    <message numerus="yes">
        <source>Whole run: %1 drafted, %2 accepted, α = %3, %4 tokens per target pass (theory %5), %n target pass(es) saved against plain decoding.</source>
        <translation>
            <numerusform>整次运行：起草 %1 个，接受 %2 个，接受率 α = %3，每次目标模型前向计算 %4 个词元（理论值 %5），比普通解码节省 %n 次目标模型前向计算。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TemperaturePlayground</name>
    <message>
        <source>Temperature: divide every logit by T before the softmax</source>
        <translation>温度：在 Softmax 之前把每个 logit 除以 T</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>T = %1</source>
        <translation>T = %1</translation>
    </message>
    <message>
        <source>T = 1</source>
        <translation>T = 1</translation>
    </message>
    <message>
        <source>No candidates at this step.</source>
        <translation>这一步没有候选。</translation>
    </message>
    <message numerus="yes">
        <source>softmax(logit / T) over the %n traced candidate(s): a lower T sharpens the distribution, a higher T flattens it.</source>
        <translation>
            <numerusform>在记录的 %n 个候选上计算 softmax(logit / T)：T 越低，分布越尖锐；T 越高，分布越平坦。</numerusform>
        </translation>
    </message>
    <message>
        <source>Temperature playground</source>
        <translation>温度实验台</translation>
    </message>
</context>
<context>
    <name>TimelineBar</name>
    <message>
        <source>First step</source>
        <translation>第一步</translation>
    </message>
    <message>
        <source>Step back</source>
        <translation>后退一步</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Step forward</source>
        <translation>前进一步</translation>
    </message>
    <message>
        <source>Last step</source>
        <translation>最后一步</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>Jump to step</source>
        <translation>跳到指定步</translation>
    </message>
    <message>
        <source>step </source>
        <translation>第 </translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>Playback speed (1× = one step per second)</source>
        <translation>播放速度（1× = 每秒一步）</translation>
    </message>
    <message>
        <source> / %1</source>
        <translation> / %1 步</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Classroom mode plays %1 s per step</source>
        <translation>课堂模式每步播放 %1 秒</translation>
    </message>
</context>
<context>
    <name>TutorialsPanel</name>
    <message>
        <source>Open lesson folder</source>
        <translation>打开课程文件夹</translation>
    </message>
    <message>
        <source>%1. %2</source>
        <translation>%1. %2</translation>
    </message>
    <message>
        <source>Cannot read the lesson text %1</source>
        <translation>无法读取课文 %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Load and run</source>
        <translation>载入并运行</translation>
    </message>
    <message>
        <source>Set the run panel to this run&apos;s settings, open its views and start it</source>
        <translation>把运行面板设为这次运行的设置，打开它的视图并开始运行</translation>
    </message>
    <message>
        <source>Open lesson folder…</source>
        <translation>打开课程文件夹…</translation>
    </message>
    <message>
        <source>Add a lesson of your own: a folder with a scenario.json and its lesson texts</source>
        <translation>添加自己的课程：一个含有 scenario.json 和课文的文件夹</translation>
    </message>
    <message>
        <source>Auto-play pace</source>
        <translation>自动播放节奏</translation>
    </message>
    <message>
        <source>How fast classroom mode plays the steps</source>
        <translation>课堂模式自动播放各步的快慢</translation>
    </message>
    <message>
        <source>The lesson&apos;s</source>
        <translation>按课程设定</translation>
    </message>
    <message>
        <source>%1 s per step</source>
        <translation>每步 %1 秒</translation>
    </message>
    <message>
        <source>The lessons; choose one to read it and see its runs</source>
        <translation>课程列表：选一课阅读课文，并查看它的各次运行</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Pauses at step %1</source>
        <translation>在第 %1 步暂停</translation>
    </message>
    <message>
        <source>Pauses at steps %1</source>
        <translation>在第 %1 步暂停</translation>
    </message>
    <message>
        <source>The answers are hidden: tick “Show answers” above.</source>
        <translation>答案已隐藏：勾选上方的“显示答案”即可查看。</translation>
    </message>
    <message>
        <source>Show answers</source>
        <translation>显示答案</translation>
    </message>
    <message>
        <source>Show the quiz answers in the lesson text</source>
        <translation>在课文中显示小测验的答案</translation>
    </message>
</context>
<context>
    <name>ViewExporter</name>
    <message>
        <source>%1: unknown picture format (use .png, .svg or .pdf)</source>
        <translation>%1：未知的图片格式（请使用 .png、.svg 或 .pdf）</translation>
    </message>
    <message>
        <source>%1: the picture needs a width and height above zero</source>
        <translation>%1：图片的宽和高必须大于零</translation>
    </message>
    <message>
        <source>%1: cannot write the file</source>
        <translation>%1：无法写入文件</translation>
    </message>
    <message>
        <source>The view &quot;%1&quot; has no chart data to export.</source>
        <translation>视图“%1”没有可导出的图表数据。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>See how language models decode text.</source>
        <translation>观察语言模型如何解码文本。</translation>
    </message>
    <message>
        <source>A trace (.jsonl) to replay.</source>
        <translation>要回放的轨迹 (.jsonl)。</translation>
    </message>
</context>
</TS>
