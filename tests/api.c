/* api.c — tests the validation API through the public header and the shared library only. */
#include <ccflow.h>

#include <stdio.h>
#include <string.h>

#include "check.h"

static const char task_flow[] = "flow: Tasks\n"
                                "type: inbound\n"
                                "channels: [task]\n"
                                "blocks:\n"
                                "  q:\n"
                                "    set_working_queue: Support\n"
                                "    next: cq\n"
                                "    on: { error: z }\n"
                                "  cq:\n"
                                "    set_customer_queue_flow: Music\n"
                                "    next: t\n"
                                "    on: { error: z }\n"
                                "  t:\n"
                                "    transfer_to_queue: {}\n"
                                "    on: { at_capacity: z, error: z }\n"
                                "  z:\n"
                                "    disconnect: {}\n";

static const char music_flow[] = "flow: Music\n"
                                 "type: customer_queue\n"
                                 "blocks:\n"
                                 "  m:\n"
                                 "    loop_prompts: { prompts: [{ text: hold }], interrupt: 30s }\n"
                                 "    on: { timeout: m, error: e }\n"
                                 "  e:\n"
                                 "    end_flow: {}\n";

int main(void)
{
    CHECK(strcmp(ccflow_version(), CCFLOW_VERSION) == 0, "version");

    ccflow_check *c = ccflow_check_new();
    CHECK(c != NULL, "new checker");
    CHECK(ccflow_check_add_source(c, "tasks.yaml", task_flow, strlen(task_flow)) == 0, "add tasks.yaml");
    CHECK(ccflow_check_add_source(c, "music.yaml", music_flow, strlen(music_flow)) == 0, "add music.yaml");
    CHECK(ccflow_check_run(c) == 1, "one error");
    CHECK(ccflow_check_count(c) == 1 && ccflow_check_error_count(c) == 1 && ccflow_check_warning_count(c) == 0,
          "counts");
    ccflow_diagnostic d;
    CHECK(ccflow_check_get(c, 0, &d) == 0, "get 0");
    CHECK(!strcmp(d.file, "music.yaml") && d.line == 5 && d.column == 5 && d.severity == CCFLOW_ERROR &&
              !strcmp(d.code, "E401") && strstr(d.message, "TASK contacts reach 'loop_prompts'"),
          "E401 at music.yaml:5:5");
    CHECK(d.note_count >= 2, "arrival notes");
    ccflow_diagnostic n;
    int found_hop = 0;
    for (size_t i = 0; i < d.note_count; i++)
        if (ccflow_check_note(c, 0, i, &n) == 0 && !strcmp(n.file, "tasks.yaml") && n.line == 10 &&
            strstr(n.message, "sets customer queue flow 'Music' for TASK contacts"))
            found_hop = 1;
    CHECK(found_hop, "the note names the set_customer_queue_flow that brings tasks");
    CHECK(ccflow_check_get(c, 1, &d) == -1 && ccflow_check_note(c, 0, 99, &n) == -1, "out of range");
    const char *json = ccflow_check_render(c, CCFLOW_FORMAT_JSON);
    CHECK(json && json[0] == '[' && strstr(json, "\"code\": \"E401\""), "json rendering");
    const char *text = ccflow_check_render(c, CCFLOW_FORMAT_TEXT);
    CHECK(text && !strncmp(text, "music.yaml:5:5: error: ", 23), "text rendering");
    ccflow_check_free(c);

    c = ccflow_check_new();
    CHECK(ccflow_check_add_path(c, "/nonexistent/flows") == -1, "unreadable path");
    ccflow_check_run(c);
    CHECK(ccflow_check_get(c, 0, &d) == 0 && !strcmp(d.code, "E100") && d.line == 0 && !strcmp(d.file, "/nonexistent/flows"), "E100 names the path, with no line");
    ccflow_check_free(c);

    c = ccflow_check_new();
    ccflow_check_use_stdlib(c, 0);
    CHECK(ccflow_check_add_source(c, "empty.yaml", "", 0) == -1, "empty source refused");
    ccflow_check_run(c);
    CHECK(ccflow_check_get(c, 0, &d) == 0 && !strcmp(d.code, "E102"), "empty source diagnosed");
    ccflow_check_free(c);

    /* a compiled bundle, read back: its disassembly and the files its source map names */
    c = ccflow_check_new();
    ccflow_check_use_stdlib(c, 0);
    static const char hold[] = "flow: Hold\ntype: customer_queue\nchannels: [voice]\nblocks:\n  m:\n"
                               "    loop_prompts: { prompts: [{ text: hold }], interrupt: 30s }\n"
                               "    on: { timeout: m, error: e }\n  e:\n    end_flow: {}\n";
    ccflow_check_add_source(c, "music.yaml", hold, strlen(hold));
    void *bytes = NULL, *stripped = NULL;
    size_t size = 0, stripped_size = 0;
    CHECK(ccflow_check_run(c) == 0 && ccflow_check_compile(c, 0, &bytes, &size) == 0 &&
              ccflow_check_compile(c, 1, &stripped, &stripped_size) == 0,
          "compiled with and without the source map");
    char *listing = NULL, *names = NULL, err[200] = "";
    size_t len = 0, count = 99;
    CHECK(ccflow_disasm(bytes, size, 0, &listing, &len, err, sizeof err) == 0 && listing && len == strlen(listing) &&
              strstr(listing, "LOOP_PROMPTS") && strstr(listing, "music.yaml:"),
          "disassembly names the opcodes and the sources: %s", err);
    ccflow_free(listing);
    CHECK(ccflow_bundle_sources(bytes, size, 0, &names, &count, err, sizeof err) == 0 && count == 1 && names &&
              !strcmp(names, "music.yaml"),
          "the source map names music.yaml");
    ccflow_free(names);
    names = (char *)1;
    CHECK(ccflow_bundle_sources(stripped, stripped_size, 0, &names, &count, err, sizeof err) == 0 && count == 0 &&
              names == NULL,
          "a stripped bundle names no source");
    CHECK(ccflow_disasm(bytes, size / 2, 0, &listing, &len, err, sizeof err) == -1 && err[0], "a cut bundle is refused: %s",
          err);
    ccflow_free(bytes);
    ccflow_free(stripped);
    ccflow_check_free(c);

    printf("api: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
