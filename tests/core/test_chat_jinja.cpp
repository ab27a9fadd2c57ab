// Jinja engine unit tests: one row per construct, expected outputs derived by hand from Jinja2
// semantics (trim_blocks + lstrip_blocks as transformers sets them); sandbox limits; error lines.
#include <QElapsedTimer>
#include <QTest>

#include "core/chat/jinja_template.h"

using qe::jinja::Template;

namespace {

QString render(const std::string& source, const std::string& context = "{}", qe::jinja::Limits limits = {}) {
    auto t = Template::parse(source, limits);
    if (!t.ok()) return QStringLiteral("PARSE ERROR: ") + QString::fromStdString(t.error().message);
    auto out = t->render(nlohmann::ordered_json::parse(context));
    if (!out.ok()) return QStringLiteral("ERROR: ") + QString::fromStdString(out.error().message);
    return QString::fromStdString(*out);
}

}  // namespace

class TestChatJinja : public QObject {
    Q_OBJECT
private slots:
    void constructs_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const char* src, const char* ctx, const char* exp) {
            QTest::newRow(name) << QString::fromUtf8(src) << QString::fromUtf8(ctx) << QString::fromUtf8(exp);
        };
        // Output, comments, literals.
        row("text", "hello", "{}", "hello");
        row("var", "{{ a }}-{{ b }}", "{\"a\": 1, \"b\": \"x\"}", "1-x");
        row("comment", "a{# note #}b", "{}", "ab");
        row("undefined prints empty", "[{{ nope }}]", "{}", "[]");
        row("none true false", "{{ none }} {{ true }} {{ False }}", "{}", "None True False");
        row("float repr", "{{ 1.0 }} {{ 2.5 }} {{ 1e16 }} {{ 0.0001 }} {{ 1e-5 }}", "{}", "1.0 2.5 1e+16 0.0001 1e-05");
        row("list repr", "{{ [1, 'a', none, true, {'k': \"it's\"}] }}", "{}", "[1, 'a', None, True, {'k': \"it's\"}]");
        row("string escapes", "{{ 'a\\nb' }}|{{ \"q\\\"q\" }}|{{ '\\u00e9' }}", "{}", "a\nb|q\"q|é");
        row("adjacent strings", "{{ 'a' \"b\" }}", "{}", "ab");
        row("raw", "{% raw %}{{ x }}{% endraw %}", "{}", "{{ x }}");
        // Whitespace control, trim_blocks, lstrip_blocks.
        row("trim_blocks", "{% if true %}\nyes\n{% endif %}\nend", "{}", "yes\nend");
        row("lstrip_blocks", "a\n    {% if true %}\n    b\n    {% endif %}\nc", "{}", "a\n    b\nc");
        row("minus strips", "a  \n  {{- 'b' -}}  \n  c", "{}", "abc");
        row("block minus", "x\n{%- if true -%}\n  y  \n{%- endif %}", "{}", "xy");
        row("var no trim", "{{ 'a' }}\nb", "{}", "a\nb");
        row("plus keeps lstrip", "  {%+ if true %}x{% endif %}", "{}", "  x");
        row("lstrip not after text", "a {% if true %}b{% endif %}", "{}", "a b");
        row("comment trim", "a\n  {# c #}\nb", "{}", "a\nb");
        row("trailing newline dropped", "a\n", "{}", "a");
        // if / elif / else.
        row("if elif else", "{% for x in [1, 2, 3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %},{% endfor %}",
            "{}", "one,two,many,");
        row("python truthiness", "{% for v in [0, 1, '', 'a', [], [0], {}, none] %}{{ 'T' if v else 'F' }}{% endfor %}", "{}", "FTFTFTFF");
        row("cond without else", "[{{ 'x' if false }}]", "{}", "[]");
        // for loops.
        row("loop vars", "{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}",
            "{}", "10TrueFalse3 21FalseFalse3 32FalseTrue3 ");
        row("loop revindex", "{% for x in [5, 6] %}{{ loop.revindex }}{{ loop.revindex0 }}{% endfor %}", "{}", "2110");
        row("loop else", "{% for x in [] %}x{% else %}empty{% endfor %}", "{}", "empty");
        row("loop filter", "{% for x in range(6) if x is even %}{{ x }}{% endfor %}", "{}", "024");
        row("tuple unpack", "{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }};{% endfor %}", "{}", "3;7;");
        row("dict items", "{% for k, v in d.items() %}{{ k }}={{ v }} {% endfor %}", "{\"d\": {\"z\": 1, \"a\": 2}}", "z=1 a=2 ");
        row("dict iterates keys", "{% for k in d %}{{ k }}{% endfor %}", "{\"d\": {\"b\": 1, \"a\": 2}}", "ba");
        row("break continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}",
            "{}", "0134");
        row("loop scope", "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}", "{}", "1");
        row("loop fresh iteration scope", "{% for i in [1, 2] %}[{{ y }}]{% set y = i %}{% endfor %}", "{}", "[][]");
        row("nested loop", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }} {% endfor %}{% endfor %}", "{}",
            "1x1 1y2 2x1 2y2 ");
        row("loop cycle", "{% for x in range(3) %}{{ loop.cycle('a', 'b') }}{% endfor %}", "{}", "aba");
        row("loop previtem", "{% for x in [1, 2] %}{{ loop.previtem is defined }}{% endfor %}", "{}", "FalseTrue");
        // set, namespace, macros.
        row("set if leaks", "{% if true %}{% set x = 5 %}{% endif %}{{ x }}", "{}", "5");
        row("set tuple", "{% set a, b = 1, 2 %}{{ b }}{{ a }}", "{}", "21");
        row("block set", "{% set x %}A{{ 1 + 1 }}{% endset %}[{{ x }}]", "{}", "[A2]");
        row("block set filter", "{% set x | upper %}ab{% endset %}{{ x }}", "{}", "AB");
        row("namespace", "{% set ns = namespace(n=0, s='') %}{% for x in [1, 2, 3] %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}",
            "{}", "6");
        // A namespace that holds itself is a shared_ptr cycle; the ASan run would report it leaked.
        row("namespace holding itself", "{% set ns = namespace(n=1) %}{% set ns.me = ns %}{% set ns.n = 2 %}{{ ns.me.me.n }}", "{}", "2");
        row("macro", "{% macro greet(name, p='Hi') %}{{ p }} {{ name }}{% endmacro %}{{ greet('A') }}|{{ greet('B', p='Yo') }}", "{}",
            "Hi A|Yo B");
        row("macro recursion", "{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}", "{}", "321");
        // Operators.
        row("arithmetic", "{{ 7 + 2 }} {{ 7 - 2 }} {{ 7 * 2 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}",
            "{}", "9 5 14 3.5 3 1 -4 2 1024");
        row("precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ [1, 2, 3]|length - 1 }} {{ -2 ** 2 }}", "{}", "7 9 2 4");
        row("concat", "{{ 'a' ~ 1 ~ none }} {{ 'ab' + 'cd' }} {{ 'ab' * 3 }} {{ [1] + [2] }}", "{}", "a1None abcd ababab [1, 2]");
        row("comparisons", "{{ 1 < 2 }} {{ 2 <= 1 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ 'a' != 'a' }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}",
            "{}", "True False True True False True False");
        row("logic", "{{ 0 or 'x' }} {{ 1 and 2 }} {{ not 0 }} {{ none and 1 }} {{ not 1 == 2 }}", "{}", "x 2 True None True");
        row("in", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1, 2] }} {{ 'x' in nope }}", "{}",
            "True True True True False");
        row("is", "{{ x is defined }} {{ y is undefined }} {{ none is none }} {{ x is not none }} {{ 1 is number }} {{ true is number }}",
            "{\"x\": 1}", "True True True True True True");
        row("tests types", "{{ 'a' is string }} {{ {} is mapping }} {{ [] is sequence }} {{ 'a' is iterable }} {{ 1 is iterable }} {{ true is boolean }} {{ 1 is boolean }}",
            "{}", "True True True True False True False");
        row("tests true false", "{{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }}", "{}", "True False True False");
        row("tests misc", "{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 2 is eq 2 }} {{ 2 is ge(3) }}", "{}",
            "True True True True False");
        // Subscripts, slicing, attributes.
        row("index negative", "{{ xs[0] }}{{ xs[-1] }}[{{ xs[9] }}]", "{\"xs\": [1, 2, 3]}", "13[]");
        row("slices", "{{ xs[1:] }} {{ xs[:-1] }} {{ xs[::-1] }} {{ xs[::2] }} {{ 'hello'[1:3] }} {{ 'abc'[::-1] }}",
            "{\"xs\": [1, 2, 3]}", "[2, 3] [1, 2] [3, 2, 1] [1, 3] el cba");
        row("unicode index", "{{ s[0] }}|{{ s[-1] }}|{{ s|length }}|{{ s[1:] }}", "{\"s\": \"你好吗\"}", "你|吗|3|好吗");
        row("attr vs item", "{{ m.role }}|{{ m['role'] }}|[{{ m.missing }}]|{{ m.get('x', 'dflt') }}|{{ m.get('role') }}",
            "{\"m\": {\"role\": \"user\"}}", "user|user|[]|dflt|user");
        row("dict keys values", "{{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list|length }} {{ (d.items()|list)[1][0] }}",
            "{\"d\": {\"a\": 1, \"b\": 2}}", "['a', 'b'] [1, 2] 2 b");
        // String methods.
        row("startswith endswith", "{{ s.startswith('ab') }} {{ s.endswith('yz') }} {{ s.startswith(('x', 'a')) }}", "{\"s\": \"abcxyz\"}",
            "True True True");
        row("split", "{{ 'a,b,,c'.split(',') }} {{ '  a  b '.split() }} {{ 'a-b-c'.split('-', 1) }} {{ 'x</think>y'.split('</think>')[-1] }}",
            "{}", "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b-c'] y");
        row("strip family", "[{{ '  a  '.strip() }}][{{ '\nab\n'.lstrip('\n') }}][{{ 'xxaxx'.rstrip('x') }}][{{ 'abcba'.strip('ab') }}]",
            "{}", "[a][ab\n][xxa][c]");
        row("replace upper lower title", "{{ 'aXa'.replace('a', 'b') }} {{ 'ab'.upper() }} {{ 'AB'.lower() }} {{ 'hello world'.title() }} {{ 'aaa'.replace('a', 'b', 2) }}",
            "{}", "bXb AB ab Hello World bba");
        // Filters.
        row("tojson", "{{ v|tojson }}", "{\"v\": {\"b\": [1, 2.5, \"x\\\"y\"], \"a\": null, \"c\": true, \"u\": \"é\\n\"}}",
            "{\"b\": [1, 2.5, \"x\\\"y\"], \"a\": null, \"c\": true, \"u\": \"é\\n\"}");
        row("tojson indent", "{{ v|tojson(indent=2) }}", "{\"v\": {\"a\": [1, {}], \"b\": []}}",
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}");
        row("tojson string", "{{ 'a<b>'|tojson }}", "{}", "\"a<b>\"");
        row("trim length string", "[{{ '  x '|trim }}]{{ [1, 2]|length }}{{ 'abc'|count }}{{ 12|string ~ '!' }}", "{}", "[x]23" "12!");
        row("lower upper replace", "{{ 'Ab'|lower }}{{ 'Ab'|upper }}{{ 'aXa'|replace('a', '-') }}", "{}", "abAB-X-");
        row("join first last", "{{ [1, 2, 3]|join(', ') }}|{{ [1, 2]|first }}|{{ [1, 2]|last }}|{{ 'abc'|first }}", "{}", "1, 2, 3|1|2|a");
        row("join attribute", "{{ users|join(',', attribute='n') }}", "{\"users\": [{\"n\": \"a\"}, {\"n\": \"b\"}]}", "a,b");
        row("default", "{{ x|default('d') }}|{{ ''|default('d') }}|{{ ''|default('d', true) }}|{{ y|d('z') }}", "{}", "d||d|z");
        row("list items", "{{ 'ab'|list }} {% for k, v in {'a': 1}|items %}{{ k }}{{ v }}{% endfor %}", "{}", "['a', 'b'] a1");
        row("selectattr rejectattr", "{{ ms|selectattr('role', 'equalto', 'user')|map(attribute='c')|join }}|{{ ms|rejectattr('role', 'eq', 'user')|map(attribute='c')|list }}|{{ ms|selectattr('flag')|list|length }}",
            "{\"ms\": [{\"role\": \"user\", \"c\": \"a\"}, {\"role\": \"bot\", \"c\": \"b\", \"flag\": true}, {\"role\": \"user\", \"c\": \"c\"}]}", "ac|['b']|1");
        row("select map", "{{ [1, 2, 3, 4]|select('odd')|list }} {{ ['a', 'b']|map('upper')|join }} {{ [0, 1, '']|reject|list }}", "{}",
            "[1, 3] AB [0, '']");
        row("int float", "{{ '42'|int + 1 }} {{ 'x'|int }} {{ 3.9|int }} {{ '2.5'|float }} {{ 'x'|int(7) }}", "{}", "43 0 3 2.5 7");
        row("safe", "{{ '<b>'|safe }}", "{}", "<b>");
        row("sort unique reverse", "{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'a']|unique|list }} {{ [1, 2]|reverse|list }} {{ [1, 5, 3]|max }}",
            "{}", "[1, 2, 3] ['b', 'A'] [2, 1] 5");
        row("indent", "{{ 'a\nb\n\nc'|indent(2) }}", "{}", "a\n  b\n\n  c");
        row("filter block", "{% filter upper %}ab{{ 'c' }}{% endfilter %}", "{}", "ABC");
        row("globals", "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ dict(a=1) }}", "{}", "[0, 1, 2] [1, 3, 5] {'a': 1}");
        row("generation block", "{% generation %}x{% endgeneration %}", "{}", "x");
    }

    void constructs() {
        QFETCH(QString, source);
        QFETCH(QString, context);
        QFETCH(QString, expected);
        QCOMPARE(render(source.toStdString(), context.toStdString()), expected);
    }

    void errors_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("message");  // expected substring of the error
        auto row = [](const char* name, const char* src, const char* msg) {
            QTest::newRow(name) << QString::fromUtf8(src) << QString::fromUtf8(msg);
        };
        row("unknown filter", "a\nb\n{{ x|foo }}", "line 3: unknown filter 'foo'");
        row("unknown test", "{% if x is blue %}{% endif %}", "line 1: unknown test 'blue'");
        row("unknown tag", "\n{% frobnicate %}", "line 2: unknown tag 'frobnicate'");
        row("unsupported include", "{% include 'x.html' %}", "line 1: unsupported tag 'include'");
        row("missing endif", "{% if true %}\nx", "missing '{% endif %}' for the block opened on line 1");
        row("missing endfor", "{% for x in y %}", "missing '{% endfor %}'");
        row("unterminated var", "x\n{{ a ", "line 2: unterminated '{{'");
        row("unterminated string", "{{ 'abc }}", "unterminated string literal");
        row("bad expression", "{{ 1 + }}", "line 1: expected an expression");
        row("raise_exception", "\n\n{{ raise_exception('Bad role') }}", "line 3: template raised an error: Bad role");
        row("attribute of undefined", "{{ a.b.c }}", "line 1: cannot read attribute 'b' of an undefined value (a)");
        row("add str int", "{% set x = 'a' + 1 %}", "line 1: unsupported operand types for +: 'str' and 'int'");
        row("division by zero", "\n{{ 1 // 0 }}", "line 2: integer division or modulo by zero");
        row("assign attr non-namespace", "{% set d = {} %}{% set d.x = 1 %}", "only namespace() objects allow attribute assignment");
        row("call non-callable", "{{ 'abc'() }}", "'str' object is not callable");
        row("tojson undefined", "{{ nope|tojson }}", "tojson: value is undefined");
    }

    void errors() {
        QFETCH(QString, source);
        QFETCH(QString, message);
        QString out = render(source.toStdString());
        QVERIFY2(out.startsWith(QStringLiteral("ERROR: ")) || out.startsWith(QStringLiteral("PARSE ERROR: ")), qPrintable(out));
        QVERIFY2(out.contains(message), qPrintable(out));
    }

    void sandboxLimits_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("message");
        QTest::newRow("huge loop") << QStringLiteral("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
                                   << QStringLiteral("too many loop iterations");
        QTest::newRow("huge range") << QStringLiteral("{{ range(10000000000)|length }}") << QStringLiteral("range() too large");
        QTest::newRow("deep recursion") << QStringLiteral("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
                                        << QStringLiteral("recursion deeper than");
        QTest::newRow("huge output") << QStringLiteral("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")
                                     << QStringLiteral("output exceeds the limit");
        QTest::newRow("string doubling") << QStringLiteral("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}")
                                         << QStringLiteral("exceeds the limit");
        QTest::newRow("string repeat") << QStringLiteral("{{ 'x' * 100000000000 }}") << QStringLiteral("exceeds the limit");
        QTest::newRow("deep nesting") << QString(QStringLiteral("{{ ")) + QString(500, QLatin1Char('(')) + QStringLiteral("1") +
                                              QString(500, QLatin1Char(')')) + QStringLiteral(" }}")
                                      << QStringLiteral("nested too deeply");
    }

    void sandboxLimits() {
        QFETCH(QString, source);
        QFETCH(QString, message);
        QElapsedTimer timer;
        timer.start();
        qe::jinja::Limits limits;
        limits.maxOutputBytes = 1 << 20;
        limits.maxIterations = 200000;
        QString out = render(source.toStdString(), "{}", limits);
        QVERIFY2(out.contains(message), qPrintable(out.left(200)));
        QVERIFY2(timer.elapsed() < 5000, "limit was not enforced quickly");
    }

    void renderIsRepeatable() {
        auto t = Template::parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");
        QVERIFY(t.ok());
        auto ctx = nlohmann::ordered_json::parse("{\"messages\": [1, 2]}");
        QCOMPARE(QString::fromStdString(*t->render(ctx)), QStringLiteral("2"));
        QCOMPARE(QString::fromStdString(*t->render(ctx)), QStringLiteral("2"));
    }
};

QTEST_APPLESS_MAIN(TestChatJinja)
#include "test_chat_jinja.moc"
