/* sec_accept: JSON or HTML by the Accept header. */
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include "unit.h"
#include "sec_accept.h"

#define JSON SEC_FORMAT_JSON
#define HTML SEC_FORMAT_HTML

static void want(const char *accept, sec_format_e f)
{
    sec_format_e got = sec_accept_preferred(accept);
    ck_assert_msg(got == f, "Accept \"%s\": got %s, want %s", accept ? accept : "(null)",
                  got == HTML ? "HTML" : "JSON", f == HTML ? "HTML" : "JSON");
}

START_TEST(browsers_get_html)
{
    want("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
         HTML);
    want("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML);
    want("text/html", HTML);
    want("TEXT/HTML", HTML);
    want("application/xhtml+xml", HTML);
    want("text/html;q=0.9, application/json;q=0.5", HTML);
    want("  text/html  ;  q=1 ", HTML);
}
END_TEST

START_TEST(programs_get_json)
{
    want(NULL, JSON);
    want("", JSON);
    want("*/*", JSON);
    want("application/json", JSON);
    want("application/json, text/plain, */*", JSON);     /* axios / XHR */
    want("text/html;q=0.1, application/json", JSON);
    want("application/problem+json", JSON);
    want("application/problem+json, text/html;q=0.5", JSON);
}
END_TEST

/* sec_accept.h: "HTML when text/html is acceptable with a HIGHER quality than
 * application/json ... JSON otherwise": equal qualities are JSON. */
START_TEST(equal_quality_is_json)
{
    want("text/html, application/json", JSON);
    want("application/json, text/html", JSON);
    want("text/html;q=0.5, application/json;q=0.5", JSON);
}
END_TEST

START_TEST(quality_and_specificity)
{
    /* html explicitly refused */
    want("text/html;q=0, */*", JSON);
    want("text/html;q=0", JSON);
    /* "text/ *" is not an explicit html preference */
    want("text/*", JSON);
    /* json explicitly lower than html */
    want("application/json;q=0.2, text/html;q=0.3", HTML);
    want("application/json;q=0.3, text/html;q=0.2", JSON);
    /* a more specific range decides: application/json at 0 via exact range */
    want("text/html;q=0.5, application/json;q=0, */*", HTML);
    want("text/html;level=1;q=0.9, application/json;q=0.8", HTML);
}
END_TEST

START_TEST(garbage_does_not_crash)
{
    static const char *junk[] = {
        ",", ",,,,", ";", ";;;q=", "q=1", "text/html;q", "text/html;q=", "text/html;q=x",
        "text/html;q=0.", "text/html;q=0.0000001", "text/html;q=2", "/", "*", "*/", "text/",
        "\t\t", "text/html\t;\tq=0.5", "\x01\x02\xff\xfe", "application/json;q=0.5;q=0.9",
        "+json", "a+json", "text/html;;;;,,,;;q=1,", "; q=0.1, ,",
    };
    apr_size_t i;
    char *big;
    apr_size_t n = 1 << 20;

    for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        sec_format_e f = sec_accept_preferred(junk[i]);
        ck_assert(f == JSON || f == HTML);
    }
    /* a very long header of repeated items */
    big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    for (i = 0; i < n; i++) {
        big[i] = "text/plain;q=0.1,"[i % 17];
    }
    big[n] = '\0';
    ck_assert(sec_accept_preferred(big) == JSON);
    /* the same, ending in html */
    memcpy(big + n - 10, ",text/html", 10);
    ck_assert(sec_accept_preferred(big) == HTML);
    /* one huge token, and one huge q value */
    memset(big, 'a', n);
    ck_assert(sec_accept_preferred(big) == JSON);
    memcpy(big, "text/html;q=0.", 14);
    memset(big + 14, '9', n - 14);
    ck_assert(sec_accept_preferred(big) == HTML);
    memset(big, ';', n);
    ck_assert(sec_accept_preferred(big) == JSON);
    free(big);
}
END_TEST

/* Inputs end exactly at a page boundary with an inaccessible page after it:
 * a read past the NUL crashes the test. */
START_TEST(no_read_past_nul)
{
    static const char *tails[] = {"text/html;q=", "text/html;q=0.", "a+json", ";", "q", ",",
                                  "text/html;", "*/*;q=0.8", "application/json", "text/html;q",
                                  "text/html ;", "x;q=1", "text/html;q=0.5 ", ""};
    long pg = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    apr_size_t i;

    ck_assert(map != MAP_FAILED);
    ck_assert_int_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        apr_size_t n = strlen(tails[i]) + 1;
        char *buf = map + pg - n;
        sec_format_e f;
        memcpy(buf, tails[i], n);
        f = sec_accept_preferred(buf);
        ck_assert(f == JSON || f == HTML);
    }
    munmap(map, (size_t)pg * 2);
}
END_TEST

Suite *accept_suite(void)
{
    Suite *s = suite_create("accept");
    TCase *tc = tcase_create("accept");

    tcase_add_test(tc, browsers_get_html);
    tcase_add_test(tc, programs_get_json);
    tcase_add_test(tc, quality_and_specificity);
    tcase_add_test(tc, equal_quality_is_json);
    tcase_add_test(tc, garbage_does_not_crash);
    tcase_add_test(tc, no_read_past_nul);
    suite_add_tcase(s, tc);
    return s;
}
