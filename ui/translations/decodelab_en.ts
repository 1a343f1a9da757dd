<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CandidatesView</name>
    <message numerus="yes">
        <source>%n candidate(s) traced</source>
        <translation>
            <numerusform>%n candidate traced</numerusform>
            <numerusform>%n candidates traced</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message numerus="yes">
        <source>Running %n configuration(s) …</source>
        <translation>
            <numerusform>Running %n configuration …</numerusform>
            <numerusform>Running %n configurations …</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FlashTilesView</name>
    <message numerus="yes">
        <source>pass %1: %n quer(ies)</source>
        <translation>
            <numerusform>pass %1: %n query</numerusform>
            <numerusform>pass %1: %n queries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KvBlockGrid</name>
    <message numerus="yes">
        <source>Sliding-window rings: one per sequence, %n slot(s) each</source>
        <translation>
            <numerusform>Sliding-window rings: one per sequence, %n slot each</numerusform>
            <numerusform>Sliding-window rings: one per sequence, %n slots each</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Contiguous regions: one per sequence, %n slot(s) each</source>
        <translation>
            <numerusform>Contiguous regions: one per sequence, %n slot each</numerusform>
            <numerusform>Contiguous regions: one per sequence, %n slots each</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>+ %n more free block(s), unused in this run, not drawn</source>
        <translation>
            <numerusform>+ %n more free block, unused in this run, not drawn</numerusform>
            <numerusform>+ %n more free blocks, unused in this run, not drawn</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>seq %1 · %n token(s)</source>
        <translation>
            <numerusform>seq %1 · %n token</numerusform>
            <numerusform>seq %1 · %n tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KvCacheView</name>
    <message numerus="yes">
        <source>copy-on-write: sequence %1 copies shared block %2 into new block %3 (%n slot(s))</source>
        <translation>
            <numerusform>copy-on-write: sequence %1 copies shared block %2 into new block %3 (%n slot)</numerusform>
            <numerusform>copy-on-write: sequence %1 copies shared block %2 into new block %3 (%n slots)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SpecRoundText</name>
    <message numerus="yes">
        <source>The round added %n token(s) with one pass of the target model.</source>
        <translation>
            <numerusform>The round added %n token with one pass of the target model.</numerusform>
            <numerusform>The round added %n tokens with one pass of the target model.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The round added %n token(s) from the prefill&apos;s last logits, without a new pass of the target model.</source>
        <translation>
            <numerusform>The round added %n token from the prefill&apos;s last logits, without a new pass of the target model.</numerusform>
            <numerusform>The round added %n tokens from the prefill&apos;s last logits, without a new pass of the target model.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Round %1: %2 proposed %n token(s)</source>
        <translation>
            <numerusform>Round %1: %2 proposed %n token</numerusform>
            <numerusform>Round %1: %2 proposed %n tokens</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the target model accepted the first %n, rejected “%1” at position %2 and takes its own most probable token “%3” instead</source>
        <translation>
            <numerusform>the target model accepted the first draft, rejected “%1” at position %2 and takes its own most probable token “%3” instead</numerusform>
            <numerusform>the target model accepted the first %n, rejected “%1” at position %2 and takes its own most probable token “%3” instead</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the target model accepted the first %n, rejected “%1” at position %2 and resampled “%3” from the residual distribution norm(max(0, p − q))</source>
        <translation>
            <numerusform>the target model accepted the first draft, rejected “%1” at position %2 and resampled “%3” from the residual distribution norm(max(0, p − q))</numerusform>
            <numerusform>the target model accepted the first %n, rejected “%1” at position %2 and resampled “%3” from the residual distribution norm(max(0, p − q))</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the %n draft(s) after it were never verified</source>
        <translation>
            <numerusform>the draft after it was never verified</numerusform>
            <numerusform>the %n drafts after it were never verified</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SpeculativeView</name>
    <message numerus="yes">
        <source>Whole run: %1 drafted, %2 accepted, α = %3, %4 tokens per target pass (theory %5), %n target pass(es) saved against plain decoding.</source>
        <translation>
            <numerusform>Whole run: %1 drafted, %2 accepted, α = %3, %4 tokens per target pass (theory %5), %n target pass saved against plain decoding.</numerusform>
            <numerusform>Whole run: %1 drafted, %2 accepted, α = %3, %4 tokens per target pass (theory %5), %n target passes saved against plain decoding.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TemperaturePlayground</name>
    <message numerus="yes">
        <source>softmax(logit / T) over the %n traced candidate(s): a lower T sharpens the distribution, a higher T flattens it.</source>
        <translation>
            <numerusform>softmax(logit / T) over the %n traced candidate: a lower T sharpens the distribution, a higher T flattens it.</numerusform>
            <numerusform>softmax(logit / T) over the %n traced candidates: a lower T sharpens the distribution, a higher T flattens it.</numerusform>
        </translation>
    </message>
</context>
</TS>
