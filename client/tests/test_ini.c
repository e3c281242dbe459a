/* The client.conf dialect. */
#include <stdio.h>
#include <string.h>

#include "../src/common/ini.h"
#include "check.h"

static void orion_style_file(void) {
    const char *text =
        "# Orion client configuration\n"
        "[log]\n"
        "    log_with_time = 1\n"
        "    log_to_screen = 1\n"
        "    log_level = INFO   ; screen level\n"
        "\n"
        "[controller]\n"
        "    controller_addr = 10.0.0.1:9123\n"
        "[client]\n"
        "    enable_net = true\n"
        "    transport = \"shm\"\n"
        "    group = pod # 1\n";
    ini_file f;
    char err[200];
    CHECK(!ini_parse(text, &f, err, sizeof err), "%s", err);
    CHECK(!strcmp(ini_get(&f, "log", "log_level"), "INFO"), "log_level '%s'", ini_get(&f, "log", "log_level"));
    CHECK(!strcmp(ini_get(&f, "Controller", "CONTROLLER_ADDR"), "10.0.0.1:9123"), "case-insensitive lookup");
    CHECK(ini_bool(ini_get(&f, "client", "enable_net")) == 1, "enable_net");
    CHECK(!strcmp(ini_get(&f, "client", "transport"), "shm"), "quoted value");
    CHECK(!strcmp(ini_get(&f, "client", "group"), "pod"), "comment after a value: '%s'", ini_get(&f, "client", "group"));
    CHECK(ini_get(&f, "client", "missing") == NULL, "missing key");
    CHECK(ini_get(&f, "log", "enable_net") == NULL, "key looked up in the wrong section");
    ini_free(&f);
}

static void later_value_wins(void) {
    ini_file f;
    char err[200];
    CHECK(!ini_parse("[a]\nk=1\n[a]\nk=2\n", &f, err, sizeof err), "%s", err);
    CHECK(!strcmp(ini_get(&f, "a", "k"), "2"), "later value");
    ini_free(&f);
}

static void errors_name_the_line(void) {
    static const struct { const char *text, *phrase; } bad[] = {
        {"[log\nx=1\n", "line 1"},
        {"[log]\n\njust words\n", "line 3"},
        {"[a]\n= 5\n", "line 2"},
        {"[a]\nk = \"open\n", "line 2"},
        {"[a] trailing\n", "line 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ini_file f;
        char err[200] = "";
        CHECK(ini_parse(bad[i].text, &f, err, sizeof err) != 0, "'%s' accepted", bad[i].text);
        CHECK(strstr(err, bad[i].phrase) != NULL, "'%s': error '%s' does not say %s", bad[i].text, err, bad[i].phrase);
    }
}

static void booleans(void) {
    CHECK(ini_bool("yes") == 1 && ini_bool("On") == 1 && ini_bool("0") == 0 && ini_bool("False") == 0, "spellings");
    CHECK(ini_bool("2") == -1 && ini_bool("") == -1 && ini_bool(NULL) == -1, "non-booleans");
}

static void missing_file(void) {
    ini_file f;
    char err[300];
    CHECK(ini_load("/nonexistent/orion/client.conf", &f, err, sizeof err) != 0, "a missing file loaded");
    CHECK(strstr(err, "/nonexistent/orion/client.conf") != NULL, "error names the file: %s", err);
}

int main(int argc, char **argv) {
    static const check_case cases[] = {CASE(orion_style_file), CASE(later_value_wins), CASE(errors_name_the_line),
                                       CASE(booleans), CASE(missing_file)};
    return check_main("ini", cases, sizeof cases / sizeof cases[0], argc, argv);
}
