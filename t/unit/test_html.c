/* sec_html: the streaming tag scanner and sec_html_attr.
 *
 * The table runs each page three ways -- whole, one byte per feed, and in
 * random-sized chunks (fixed seeds) -- and wants the same output and the
 * same tag reports every time. Edits are visible markers: start tags get
 * "{" before, " @" inside and "}" after; end tags "(" before and ")" after
 * (and an "inside" that must be ignored).
 */
#include <string.h>
#include <stdlib.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_html.h"

typedef struct {
    char *out;
    apr_size_t len, cap;
    char log[4096];
    int edits;                  /* 0: report only */
    int fail_after;             /* emit fails once this many bytes went out (0: never) */
    int bad_tag;                /* a report broke the sec_html_tag_t promises */
} sink_t;

static apr_status_t sink_emit(void *baton, const char *data, apr_size_t len)
{
    sink_t *s = baton;

    ck_assert_uint_gt(len, 0);
    if (s->fail_after && s->len + len > (apr_size_t)s->fail_after) {
        return APR_EGENERAL;
    }
    if (s->len + len + 1 > s->cap) {
        s->cap = (s->len + len + 1) * 2;
        s->out = realloc(s->out, s->cap);
        ck_assert_ptr_nonnull(s->out);
    }
    memcpy(s->out + s->len, data, len);
    s->len += len;
    s->out[s->len] = '\0';
    return APR_SUCCESS;
}

static void sink_tag(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit)
{
    sink_t *s = baton;
    const char *n;

    ck_assert_ptr_null(edit->before);
    ck_assert_ptr_null(edit->inside);
    ck_assert_ptr_null(edit->after);
    if (tag->len < 3 || tag->text[0] != '<' || tag->text[tag->len - 1] != '>'
        || tag->len > SEC_HTML_TAG_MAX || (tag->end && tag->text[1] != '/')
        || (tag->self_closing && tag->text[tag->len - 2] != '/')) {
        s->bad_tag = 1;
    }
    for (n = tag->name; *n; n++) {
        if (*n >= 'A' && *n <= 'Z') {
            s->bad_tag = 1;
        }
    }
    apr_snprintf(s->log + strlen(s->log), sizeof(s->log) - strlen(s->log), "%s%s%s ",
                 tag->end ? "/" : "", tag->name, tag->self_closing ? "/" : "");
    if (!s->edits) {
        return;
    }
    if (tag->end) {
        edit->before = "(";
        edit->inside = "!ignored!";
        edit->after = ")";
    }
    else {
        edit->before = "{";
        edit->inside = " @";
        edit->after = "}";
    }
}

static const char *const names[] = {"form", "script", NULL};

/* chunk: 0 whole, 1 one byte at a time, else random sizes 1..chunk (seed). */
static void run(const char *const *nm, const char *in, apr_size_t n, apr_size_t chunk,
                unsigned seed, int edits, sink_t *s)
{
    apr_pool_t *p = unit_pool();
    sec_html_scanner_t *sc;
    apr_size_t off = 0;

    memset(s, 0, sizeof(*s));
    s->edits = edits;
    sc = sec_html_scanner_make(p, nm, sink_tag, sink_emit, s);
    while (off < n) {
        apr_size_t k = n - off;
        if (chunk == 1) {
            k = 1;
        }
        else if (chunk > 1) {
            seed = seed * 1103515245u + 12345u;
            k = 1 + (seed >> 16) % chunk;
            if (k > n - off) {
                k = n - off;
            }
        }
        ck_assert_int_eq(sec_html_feed(sc, in + off, k), APR_SUCCESS);
        off += k;
    }
    ck_assert_int_eq(sec_html_finish(sc), APR_SUCCESS);
    if (!s->out) {
        s->out = strdup("");
    }
    ck_assert_msg(!s->bad_tag, "a tag report broke its promises for input \"%.300s\"", in);
    apr_pool_destroy(p);
}

/* Runs in every chunking and checks output and reports against the want. */
static void check_page(const char *const *nm, const char *in, apr_size_t n, const char *want,
                       apr_size_t want_len, const char *want_log)
{
    static const struct { apr_size_t chunk; unsigned seed; } ways[] = {
        {0, 0}, {1, 0}, {3, 1}, {7, 42}, {16, 7}, {64, 2026}, {1000, 9}
    };
    apr_size_t w;
    sink_t plain;

    for (w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
        sink_t s;
        run(nm, in, n, ways[w].chunk, ways[w].seed, 1, &s);
        ck_assert_msg(s.len == want_len && !memcmp(s.out, want, want_len),
                      "input \"%.300s\" (chunk %d): got \"%.300s\", want \"%.300s\"", in,
                      (int)ways[w].chunk, s.out, want);
        ck_assert_msg(!strcmp(s.log, want_log), "input \"%.300s\" (chunk %d): reported \"%.300s\", want \"%.300s\"",
                      in, (int)ways[w].chunk, s.log, want_log);
        free(s.out);
    }
    /* no edits: the output is the input, byte for byte */
    run(nm, in, n, 1, 0, 0, &plain);
    ck_assert_msg(plain.len == n && !memcmp(plain.out, in, n), "input \"%.300s\" changed without edits",
                  in);
    ck_assert_str_eq(plain.log, want_log);
    free(plain.out);
}

static void page(const char *in, const char *want, const char *want_log)
{
    check_page(names, in, strlen(in), want, strlen(want), want_log);
}

START_TEST(tags_and_case)
{
    page("<p>Hi</p>", "<p>Hi</p>", "");
    page("", "", "");
    page("no tags at all", "no tags at all", "");
    page("<form method=post>", "{<form method=post @>}", "form ");
    page("<FORM METHOD=POST>", "{<FORM METHOD=POST @>}", "form ");
    page("<FoRm>x</fOrM>", "{<FoRm @>}x(</fOrM>)", "form /form ");
    page("<form\n method=\"post\"\n>", "{<form\n method=\"post\"\n @>}", "form ");
    page("<form\tmethod=post\f>", "{<form\tmethod=post\f @>}", "form ");
    page("<form>", "{<form @>}", "form ");
    page("</form >", "(</form >)", "/form ");
    page("</FORM>", "(</FORM>)", "/form ");
    page("</form a=\">\">", "(</form a=\">\">)", "/form ");
    page("<formx>", "<formx>", "");
    page("<formx></formx>", "<formx></formx>", "");
    page("<for>", "<for>", "");
    page("< form>", "< form>", "");
    page("a < b && c <d> <form>", "a < b && c <d> {<form @>}", "form ");
    page("<<form>", "<{<form @>}", "form ");
    page("<</form>", "<(</form>)", "/form ");
    page("</><form>", "</>{<form @>}", "form ");
    page("<1form><form>", "<1form>{<form @>}", "form ");
    page("<scr<form>", "<scr<form>", "");
    page("<form\x01><form>", "<form\x01>{<form @>}", "form ");
}
END_TEST

START_TEST(quotes_and_attributes)
{
    page("<form action=\"a>b\" method=post>", "{<form action=\"a>b\" method=post @>}", "form ");
    page("<form action='a>b'>", "{<form action='a>b' @>}", "form ");
    page("<form action='a\"b>'>", "{<form action='a\"b>' @>}", "form ");
    page("<form action=\"a'>\">", "{<form action=\"a'>\" @>}", "form ");
    /* unquoted values end at whitespace or '>' */
    page("<form action=a>b>", "{<form action=a @>}b>", "form ");
    page("<form action=a\"b>c\">", "{<form action=a\"b @>}c\">", "form ");
    /* a quote only opens a value right after '=' */
    page("<form a\"b>c\">", "{<form a\"b @>}c\">", "form ");
    page("<form a = \"x>y\">", "{<form a = \"x>y\" @>}", "form ");
    page("<form a=\"x\"b='>'>", "{<form a=\"x\"b='>' @>}", "form ");
    page("<form a=>", "{<form a= @>}", "form ");
    page("<form =\"x>\">", "{<form =\"x @>}\">", "form ");
    page("<form a=<b>", "{<form a=<b @>}", "form ");
    page("<a title=\"<form>\"><form>", "<a title=\"<form>\">{<form @>}", "form ");
    page("<a title='<script>'>x", "<a title='<script>'>x", "");
}
END_TEST

START_TEST(self_closing)
{
    page("<script/>x</script>", "{<script @/>}x(</script>)", "script/ /script ");
    page("<form a=\"x\"/>", "{<form a=\"x\" @/>}", "form/ ");
    page("<form/>", "{<form @/>}", "form/ ");
    page("<form />", "{<form  @/>}", "form/ ");
    /* "b/" is an unquoted value, not a self-closing mark */
    page("<form a=b/>", "{<form a=b/ @>}", "form ");
    /* a '/' not right before '>' is ignored */
    page("<form/method=post>", "{<form/method=post @>}", "form ");
    page("<form / >", "{<form /  @>}", "form ");
    page("<form a/>", "{<form a @/>}", "form/ ");
}
END_TEST

START_TEST(comments_and_declarations)
{
    page("<!-- <form> -->", "<!-- <form> -->", "");
    page("<!-- <form> --><form>", "<!-- <form> -->{<form @>}", "form ");
    page("<!--><form>", "<!-->{<form @>}", "form ");
    page("<!---><form>", "<!--->{<form @>}", "form ");
    page("<!----><form>", "<!---->{<form @>}", "form ");
    page("<!-- a -- b --><form>", "<!-- a -- b -->{<form @>}", "form ");
    page("<!-- a --!><form>", "<!-- a --!>{<form @>}", "form ");
    page("<!-- a ---><form>", "<!-- a --->{<form @>}", "form ");
    page("<!-- -> <form> -->", "<!-- -> <form> -->", "");
    page("<!-- --x> <form> -->", "<!-- --x> <form> -->", "");
    page("<!-- --!-> <form> -->", "<!-- --!-> <form> -->", "");
    /* "<!--!>" and "<!---!>" do not close: the dashes are the opening's */
    page("<!--!><form>--><form>", "<!--!><form>-->{<form @>}", "form ");
    page("<!---!><form>--><form>", "<!---!><form>-->{<form @>}", "form ");
    page("<!-- unterminated <form>", "<!-- unterminated <form>", "");
    page("<!DOCTYPE html><form>", "<!DOCTYPE html>{<form @>}", "form ");
    page("<!doctype html PUBLIC \"-//W3C//DTD\"><form>",
         "<!doctype html PUBLIC \"-//W3C//DTD\">{<form @>}", "form ");
    page("<![CDATA[<form>]]><form>", "<![CDATA[<form>]]>{<form @>}", "form ");
    page("<![CDATA[ ]> <form> ]]><form>", "<![CDATA[ ]> <form> ]]>{<form @>}", "form ");
    page("<![CDATA[]]><form>", "<![CDATA[]]>{<form @>}", "form ");
    page("<![CDATA[]><form>]]>", "<![CDATA[]><form>]]>", "");
    page("<![CDAT <form>", "<![CDAT <form>", "");
    page("<![CDAT x><form>", "<![CDAT x>{<form @>}", "form ");
    page("<![cdata[ x ]]><form>", "<![cdata[ x ]]>{<form @>}", "form ");
    page("<?xml version=\"1.0\"?><form>", "<?xml version=\"1.0\"?>{<form @>}", "form ");
    page("<? <form> ?><form>", "<? <form> ?>{<form @>}", "form ");
    page("</ form><form>", "</ form>{<form @>}", "form ");
    page("</1><form>", "</1>{<form @>}", "form ");
    page("<!><form>", "<!>{<form @>}", "form ");
    page("<!-><form>", "<!->{<form @>}", "form ");
    page("<!-x <form> ><form>", "<!-x <form> >{<form @>}", "form ");
}
END_TEST

START_TEST(raw_text_elements)
{
    page("<script>var s = \"<form>\";</script>", "{<script @>}var s = \"<form>\";(</script>)",
         "script /script ");
    page("<script>x</SCRIPT >y<form>", "{<script @>}x(</SCRIPT >)y{<form @>}",
         "script /script form ");
    page("<script>\"</scripty>\"<form></script>", "{<script @>}\"</scripty>\"<form>(</script>)",
         "script /script ");
    page("<script>a</script\n>b", "{<script @>}a(</script\n>)b", "script /script ");
    page("<script>a</script/>b", "{<script @>}a(</script/>)b", "script /script ");
    page("<script>a</script x=\">\">b", "{<script @>}a(</script x=\">\">)b", "script /script ");
    page("<script>a</scr</script>", "{<script @>}a</scr(</script>)", "script /script ");
    page("<script>a<</script>", "{<script @>}a<(</script>)", "script /script ");
    page("<script>if (a<b && c>d) {}</script>", "{<script @>}if (a<b && c>d) {}(</script>)",
         "script /script ");
    page("<SCRIPT type=\"text/javascript\"><form></Script>",
         "{<SCRIPT type=\"text/javascript\" @>}<form>(</Script>)", "script /script ");
    page("<textarea><form></textarea><form>", "<textarea><form></textarea>{<form @>}", "form ");
    page("<textarea></textareax><form></TEXTAREA ><form>",
         "<textarea></textareax><form></TEXTAREA >{<form @>}", "form ");
    page("<title><form></title><form>", "<title><form></title>{<form @>}", "form ");
    page("<style>a>b{}<form></style><form>", "<style>a>b{}<form></style>{<form @>}", "form ");
    page("<xmp><form></xmp><form>", "<xmp><form></xmp>{<form @>}", "form ");
    page("<iframe><form></iframe><form>", "<iframe><form></iframe>{<form @>}", "form ");
    page("<noembed><form></noembed><form>", "<noembed><form></noembed>{<form @>}", "form ");
    page("<noframes><form></noframes><form>", "<noframes><form></noframes>{<form @>}", "form ");
    /* raw text ends only at its own end tag */
    page("<style></script><form></style><form>", "<style></script><form></style>{<form @>}",
         "form ");
    page("<title></title ><form>", "<title></title >{<form @>}", "form ");
    /* a comment-like opening in raw text is text */
    page("<style><!--</style><form>", "<style><!--</style>{<form @>}", "form ");
    page("<plaintext><form></plaintext><form>", "<plaintext><form></plaintext><form>", "");
    page("<noscript><form></noscript>", "<noscript>{<form @>}</noscript>", "form ");
}
END_TEST

START_TEST(script_escapes)
{
    /* "<!--" in a script: "</script>" still ends it ... */
    page("<script><!-- </script><form>", "{<script @>}<!-- (</script>){<form @>}",
         "script /script form ");
    /* ... unless "<script>" came after the "<!--" (double escape) */
    page("<script><!--<script></script><form>--></script><form>",
         "{<script @>}<!--<script></script><form>-->(</script>){<form @>}",
         "script /script form ");
    page("<script><!-- document.write(\"<script>x</script>\"); document.write(\"<script>\");"
         " --></script>",
         "{<script @>}<!-- document.write(\"<script>x</script>\"); document.write(\"<script>\");"
         " -->(</script>)",
         "script /script ");
    /* "-->" leaves the escape, so a later "<script" is nothing special */
    page("<script><!-- --><script></script><form>",
         "{<script @>}<!-- --><script>(</script>){<form @>}", "script /script form ");
    page("<script><!--><script></script>", "{<script @>}<!--><script>(</script>)",
         "script /script ");
    page("<script><!--<script>--></script>", "{<script @>}<!--<script>-->(</script>)",
         "script /script ");
    page("<script><!--<scripty></script>", "{<script @>}<!--<scripty>(</script>)",
         "script /script ");
    page("<script><!--<SCRIPT\n></script>--></script>",
         "{<script @>}<!--<SCRIPT\n></script>-->(</script>)", "script /script ");
    page("<script><!-x<script></script>", "{<script @>}<!-x<script>(</script>)",
         "script /script ");
    page("<script><!--<script></script></script><form>",
         "{<script @>}<!--<script></script>(</script>){<form @>}", "script /script form ");
}
END_TEST

START_TEST(unterminated_at_eof)
{
    page("<p>ok<form action=\"x", "<p>ok<form action=\"x", "");
    page("<p>ok<form", "<p>ok<form", "");
    page("<", "<", "");
    page("</", "</", "");
    page("<!-", "<!-", "");
    page("<![CDA", "<![CDA", "");
    page("<script>abc</scr", "{<script @>}abc</scr", "script ");
    page("<script><!--<scr", "{<script @>}<!--<scr", "script ");
    page("<title>abc</title", "<title>abc</title", "");
    page("<form a='>", "<form a='>", "");
}
END_TEST

/* Builds "<name title="AAA...">" of exactly n bytes (malloc'ed). */
static char *long_tag(const char *name, apr_size_t n)
{
    char *t = malloc(n + 1), *head = apr_pstrcat(unit_pool(), "<", name, " title=\"", NULL);
    apr_size_t hl = strlen(head);

    ck_assert_ptr_nonnull(t);
    memcpy(t, head, hl);
    memset(t + hl, 'A', n - hl - 2);
    memcpy(t + n - 2, "\">", 2);
    t[n] = '\0';
    return t;
}

START_TEST(tag_size_bound)
{
    char *at_max = long_tag("form", SEC_HTML_TAG_MAX), *over = long_tag("form", SEC_HTML_TAG_MAX + 1);
    char *script = long_tag("script", SEC_HTML_TAG_MAX + 1);
    char *in, *want;

    /* exactly SEC_HTML_TAG_MAX: reported */
    in = apr_pstrcat(unit_pool(), at_max, "x", NULL);
    want = apr_pstrcat(unit_pool(), "{", apr_pstrndup(unit_pool(), at_max, SEC_HTML_TAG_MAX - 1),
                       " @>}x", NULL);
    page(in, want, "form ");
    /* one byte more: passed through unreported, scanning resumes after it */
    in = apr_pstrcat(unit_pool(), over, "<form>x", NULL);
    want = apr_pstrcat(unit_pool(), over, "{<form @>}x", NULL);
    page(in, want, "form ");
    /* an overlong tag with a '>' in a quoted value: its real end is found */
    over[20] = '>';
    in = apr_pstrcat(unit_pool(), over, "<form>", NULL);
    want = apr_pstrcat(unit_pool(), over, "{<form @>}", NULL);
    page(in, want, "form ");
    /* an overlong script start tag still starts script content */
    in = apr_pstrcat(unit_pool(), script, "<form></script><form>", NULL);
    want = apr_pstrcat(unit_pool(), script, "<form>(</script>){<form @>}", NULL);
    page(in, want, "/script form ");
    free(at_max);
    free(over);
    free(script);
}
END_TEST

/* Only a possible partial tag is held back: text goes out with its chunk. */
static apr_status_t count_emit(void *baton, const char *data, apr_size_t len)
{
    apr_size_t *n = baton;
    *n += len;
    (void)data;
    return APR_SUCCESS;
}

START_TEST(holds_back_only_a_partial_tag)
{
    apr_pool_t *p = unit_pool();
    apr_size_t n = 0;
    sec_html_scanner_t *sc = sec_html_scanner_make(p, names, NULL, count_emit, &n);

    ck_assert_int_eq(sec_html_feed(sc, "hello <p>world", 14), APR_SUCCESS);
    ck_assert_uint_eq(n, 14);
    ck_assert_int_eq(sec_html_feed(sc, " abc<fo", 7), APR_SUCCESS);
    ck_assert_uint_eq(n, 18);
    ck_assert_int_eq(sec_html_feed(sc, "rm a=\"", 6), APR_SUCCESS);
    ck_assert_uint_eq(n, 18);
    ck_assert_int_eq(sec_html_feed(sc, "x\">tail", 7), APR_SUCCESS);
    ck_assert_uint_eq(n, 34);
    /* comment and script bodies are not held */
    ck_assert_int_eq(sec_html_feed(sc, "<!-- long comment", 17), APR_SUCCESS);
    ck_assert_uint_eq(n, 51);
    ck_assert_int_eq(sec_html_feed(sc, " --><script>var a = 1;", 22), APR_SUCCESS);
    ck_assert_uint_eq(n, 73);
    ck_assert_int_eq(sec_html_feed(sc, "</scr", 5), APR_SUCCESS);
    ck_assert_uint_eq(n, 73);
    ck_assert_int_eq(sec_html_finish(sc), APR_SUCCESS);
    ck_assert_uint_eq(n, 78);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(emit_failure_stops_the_feed)
{
    apr_pool_t *p = unit_pool();
    sink_t s;
    sec_html_scanner_t *sc;

    memset(&s, 0, sizeof(s));
    s.edits = 1;
    s.fail_after = 5;
    sc = sec_html_scanner_make(p, names, sink_tag, sink_emit, &s);
    ck_assert_int_eq(sec_html_feed(sc, "abc<form>def", 12), APR_EGENERAL);
    /* and stays failed */
    ck_assert_int_eq(sec_html_feed(sc, "more", 4), APR_EGENERAL);
    ck_assert_int_eq(sec_html_finish(sc), APR_EGENERAL);
    free(s.out);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(names_list)
{
    static const char *const upper[] = {"FORM", "this-name-is-far-too-long", NULL};
    static const char *const none[] = {NULL};
    static const char *const input[] = {"input", NULL};
    const char *in = "<form><this-name-is-far-too-long><this-name-is-far-><input>";

    check_page(upper, in, strlen(in), "{<form @>}<this-name-is-far-too-long><this-name-is-far-><input>",
               strlen("{<form @>}<this-name-is-far-too-long><this-name-is-far-><input>"), "form ");
    check_page(none, in, strlen(in), in, strlen(in), "");
    check_page(NULL, in, strlen(in), in, strlen(in), "");
    check_page(input, in, strlen(in), "<form><this-name-is-far-too-long><this-name-is-far->{<input @>}",
               strlen("<form><this-name-is-far-too-long><this-name-is-far->{<input @>}"),
               "input ");
}
END_TEST

START_TEST(nul_bytes_are_data)
{
    static const char in[] = "a\0<form\0><form a=\"\0>\"\0>\0";
    static const char want[] = "a\0<form\0>{<form a=\"\0>\"\0 @>}\0";

    check_page(names, in, sizeof(in) - 1, want, sizeof(want) - 1, "form ");
}
END_TEST

/* Only before/after/inside as asked: NULL edits leave the tag alone. */
static void only_after(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit)
{
    (void)baton;
    if (!tag->end) {
        edit->after = "<input type=hidden name=t value=x>";
    }
}

START_TEST(single_edits)
{
    apr_pool_t *p = unit_pool();
    sink_t s;
    static const char *const form[] = {"form", NULL};
    sec_html_scanner_t *sc;

    memset(&s, 0, sizeof(s));
    sc = sec_html_scanner_make(p, form, only_after, sink_emit, &s);
    ck_assert_int_eq(sec_html_feed(sc, "<form method=post>a</form>", 26), APR_SUCCESS);
    ck_assert_int_eq(sec_html_finish(sc), APR_SUCCESS);
    ck_assert_str_eq(s.out, "<form method=post><input type=hidden name=t value=x>a</form>");
    free(s.out);
    apr_pool_destroy(p);
}
END_TEST

/* sec_html_attr on a tag as the scanner reports it. */
static int attr(const char *text, const char *name, const char **v)
{
    sec_html_tag_t t;

    memset(&t, 0, sizeof(t));
    t.text = text;
    t.len = strlen(text);
    t.name = "form";
    return sec_html_attr(unit_pool(), &t, name, v);
}

static void attr_is(const char *text, const char *name, const char *want)
{
    const char *v = "unset";
    int found = attr(text, name, &v);

    if (!want) {
        ck_assert_msg(!found, "%s in %s: found \"%s\"", name, text, v);
        ck_assert_ptr_null(v);
        return;
    }
    ck_assert_msg(found, "%s in %s: not found", name, text);
    ck_assert_msg(!strcmp(v, want), "%s in %s: \"%s\", want \"%s\"", name, text, v, want);
}

START_TEST(attributes)
{
    attr_is("<form method=post>", "method", "post");
    attr_is("<form METHOD=\"POST\">", "method", "POST");
    attr_is("<form method=post>", "METHOD", "post");
    attr_is("<form method='post'>", "method", "post");
    attr_is("<form method = \"post\" >", "method", "post");
    attr_is("<form novalidate>", "novalidate", "");
    attr_is("<form novalidate method=get>", "novalidate", "");
    attr_is("<form novalidate/>", "novalidate", "");
    attr_is("<form a=1 a=2>", "a", "1");                        /* first wins */
    attr_is("<form A=\"1\" a='2'>", "a", "1");
    attr_is("<form title=\"a > b\">", "title", "a > b");
    attr_is("<form title='x y  z'>", "title", "x y  z");
    attr_is("<form title=\"it's\">", "title", "it's");
    attr_is("<form action=/a/b?c=d&amp;e>", "action", "/a/b?c=d&amp;e");   /* no decoding */
    attr_is("<form data-name=x>", "name", NULL);
    attr_is("<form names=x>", "name", NULL);
    attr_is("<form data-name=x name=y names=z>", "name", "y");
    attr_is("<form title=\"name=x\">", "name", NULL);
    attr_is("<form title=name>", "name", NULL);
    attr_is("<form a=\"x\"name=y>", "name", "y");
    attr_is("<form/name=y>", "name", "y");
    attr_is("<form a=b/>", "a", "b/");
    attr_is("<form a=>", "a", "");
    attr_is("<form a= b>", "a", "b");
    attr_is("<form>", "form", NULL);
    attr_is("<form>", "method", NULL);
    attr_is("</form method=x>", "method", "x");
    attr_is("<form =x>", "=x", "");
    attr_is("<form a=\"unterminated>", "a", "unterminated");
}
END_TEST

START_TEST(attr_edge_inputs)
{
    sec_html_tag_t t;
    const char *v = "x";

    memset(&t, 0, sizeof(t));
    ck_assert_int_eq(sec_html_attr(unit_pool(), &t, "a", &v), 0);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(sec_html_attr(unit_pool(), NULL, "a", NULL), 0);
    t.text = "<form a>";
    t.len = 8;
    ck_assert_int_eq(sec_html_attr(unit_pool(), &t, "", NULL), 0);
    ck_assert_int_eq(sec_html_attr(unit_pool(), &t, NULL, NULL), 0);
    ck_assert_int_eq(sec_html_attr(unit_pool(), &t, "a", NULL), 1);
    /* a prefix of the text only: never read past len */
    t.len = 7;
    ck_assert_int_eq(sec_html_attr(unit_pool(), &t, "a", &v), 1);
    t.len = 6;
    ck_assert_int_eq(sec_html_attr(unit_pool(), &t, "a", &v), 0);
}
END_TEST

/* What the filters will do: pick forms by method. */
typedef struct {
    sink_t s;                   /* first: sink_emit takes the same baton */
    apr_pool_t *p;
} csrf_baton_t;

static void csrf_like(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit)
{
    csrf_baton_t *b = baton;
    const char *m;

    if (!tag->end && sec_html_attr(b->p, tag, "method", &m) && !strcasecmp(m, "post")) {
        edit->after = "<input type=\"hidden\" name=\"csrf\" value=\"T\">";
    }
}

START_TEST(callback_uses_attr)
{
    csrf_baton_t b;
    static const char *const form[] = {"form", NULL};
    sec_html_scanner_t *sc;
    const char *in = "<form method=get></form><form METHOD=\"Post\" action=x>";
    apr_size_t i;

    memset(&b, 0, sizeof(b));
    b.p = unit_pool();
    sc = sec_html_scanner_make(b.p, form, csrf_like, sink_emit, &b);
    /* one byte at a time: the tag text handed over is still whole */
    for (i = 0; in[i]; i++) {
        ck_assert_int_eq(sec_html_feed(sc, in + i, 1), APR_SUCCESS);
    }
    ck_assert_int_eq(sec_html_finish(sc), APR_SUCCESS);
    ck_assert_str_eq(b.s.out, "<form method=get></form><form METHOD=\"Post\" action=x>"
                              "<input type=\"hidden\" name=\"csrf\" value=\"T\">");
    free(b.s.out);
    apr_pool_destroy(b.p);
}
END_TEST

/* A realistic page, every chunking: reports and edits in the right places. */
START_TEST(whole_page)
{
    const char *in =
        "<!DOCTYPE html>\n<html><head><title>Log <form> in</title>\n"
        "<script src=\"/a.js\"></script>\n"
        "<script>\nif (a < b) document.write('<form method=post>');\n</script>\n"
        "<style>form > input { color: red }</style>\n"
        "<!-- <form method=post> -->\n</head><body>\n"
        "<form method=\"post\" action=\"/login?next=/a&b=>\">\n"
        "<input name=user><textarea name=t><form></textarea>\n"
        "<button>Go</button></form>\n"
        "<svg><![CDATA[ <form> ]]></svg>\n"
        "</body></html>\n";
    const char *want =
        "<!DOCTYPE html>\n<html><head><title>Log <form> in</title>\n"
        "{<script src=\"/a.js\" @>}(</script>)\n"
        "{<script @>}\nif (a < b) document.write('<form method=post>');\n(</script>)\n"
        "<style>form > input { color: red }</style>\n"
        "<!-- <form method=post> -->\n</head><body>\n"
        "{<form method=\"post\" action=\"/login?next=/a&b=>\" @>}\n"
        "<input name=user><textarea name=t><form></textarea>\n"
        "<button>Go</button>(</form>)\n"
        "<svg><![CDATA[ <form> ]]></svg>\n"
        "</body></html>\n";

    page(in, want, "script /script script /script form /form ");
}
END_TEST

Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("html");

    tcase_add_test(tc, tags_and_case);
    tcase_add_test(tc, quotes_and_attributes);
    tcase_add_test(tc, self_closing);
    tcase_add_test(tc, comments_and_declarations);
    tcase_add_test(tc, raw_text_elements);
    tcase_add_test(tc, script_escapes);
    tcase_add_test(tc, unterminated_at_eof);
    tcase_add_test(tc, tag_size_bound);
    tcase_add_test(tc, holds_back_only_a_partial_tag);
    tcase_add_test(tc, emit_failure_stops_the_feed);
    tcase_add_test(tc, names_list);
    tcase_add_test(tc, nul_bytes_are_data);
    tcase_add_test(tc, single_edits);
    tcase_add_test(tc, attributes);
    tcase_add_test(tc, attr_edge_inputs);
    tcase_add_test(tc, callback_uses_attr);
    tcase_add_test(tc, whole_page);
    suite_add_tcase(s, tc);
    return s;
}
