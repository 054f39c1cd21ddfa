/* Exercises the C interface (kamer/kamer.h) from C against a running kamerd, as a partner
 * system written in another language would use it. Run by c_api_pgtest with:
 *   c_api_check <port> <certificate> <key> <ca> <room> <position-file>
 * Prints what failed and exits 1; exits 0 when every check holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kamer/kamer.h"

static int failures = 0;

#define CHECK(condition, ...)                             \
    do {                                                  \
        if (!(condition)) {                               \
            fprintf(stderr, "c_api_check:%d: ", __LINE__); \
            fprintf(stderr, __VA_ARGS__);                 \
            fprintf(stderr, "\n");                        \
            ++failures;                                   \
        }                                                 \
    } while (0)

/* Receives until an event containing `needle` arrives; returns 1 when it did. */
static int receive_until(kamer_session* s, const char* needle) {
    for (int i = 0; i < 200; ++i) {
        char* event = NULL;
        int rc = kamer_receive(s, 100, &event);
        if (rc == KAMER_NO_EVENT) continue;
        if (rc != KAMER_OK) return 0;
        int found = strstr(event, needle) != NULL;
        kamer_free(event);
        if (found) return 1;
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: c_api_check port certificate key ca room position-file\n");
        return 2;
    }
    kamer_options options;
    memset(&options, 0, sizeof options);
    options.port = (uint16_t)atoi(argv[1]);
    options.certificate_file = argv[2];
    options.private_key_file = argv[3];
    options.ca_file = argv[4];
    options.actor = "c-bridge";
    options.position_file = argv[6];
    const char* room = argv[5];

    kamer_session* s = NULL;
    char error[256];
    int rc = kamer_connect(&options, &s, error, sizeof error);
    CHECK(rc == KAMER_OK && s != NULL, "connect: %d %s", rc, error);
    if (!s) return 1;

    rc = kamer_join(s, room, NULL);
    CHECK(rc == KAMER_OK, "join: %d %s", rc, kamer_last_error(s));

    char item[64] = "";
    rc = kamer_post(s, room, "posted from C", "justice", "c-check-1", item, sizeof item);
    CHECK(rc == KAMER_OK && strlen(item) == 36, "post: %d %s item=%s", rc, kamer_last_error(s), item);
    CHECK(receive_until(s, "posted from C"), "our own contribution did not arrive: %s", kamer_last_error(s));

    /* Resending with the same message id gives the same item, stored once. */
    char again[64] = "";
    rc = kamer_post(s, room, "posted from C", "justice", "c-check-1", again, sizeof again);
    CHECK(rc == KAMER_OK && strcmp(item, again) == 0, "resend: %d item %s vs %s", rc, item, again);

    char* reply = NULL;
    char body[128];
    snprintf(body, sizeof body, "{\"room\":\"%s\"}", room);
    rc = kamer_request(s, "room.get", body, NULL, &reply);
    CHECK(rc == KAMER_OK && reply && strstr(reply, "\"members\""), "room.get: %d %s", rc, kamer_last_error(s));
    kamer_free(reply);

    /* Refusals come back as codes, never as a crash. */
    rc = kamer_join(s, "00000000-0000-4000-8000-000000000000", NULL);
    CHECK(rc == KAMER_ERR_REFUSED && strcmp(kamer_last_error_code(s), "not_found") == 0, "join unknown room: %d %s",
          rc, kamer_last_error_code(s));
    rc = kamer_post(s, room, "x", "no-such-category", NULL, NULL, 0);
    CHECK(rc == KAMER_ERR_REFUSED && strcmp(kamer_last_error_code(s), "invalid_value") == 0, "bad category: %d %s", rc,
          kamer_last_error_code(s));
    rc = kamer_request(s, "room.get", "[1,2]", NULL, &reply);
    CHECK(rc == KAMER_ERR_ARGUMENT && reply == NULL, "body not an object: %d", rc);
    rc = kamer_post(s, NULL, "x", "general", NULL, NULL, 0);
    CHECK(rc == KAMER_ERR_ARGUMENT, "NULL room: %d", rc);

    kamer_close(s);

    /* A wrong CA: the server certificate is not trusted, so no session. */
    options.ca_file = argv[2];
    options.connect_timeout_ms = 2000;
    s = NULL;
    rc = kamer_connect(&options, &s, error, sizeof error);
    CHECK(rc == KAMER_ERR_CONNECT && s == NULL && strlen(error) > 0, "untrusted server accepted: %d", rc);

    if (failures) fprintf(stderr, "c_api_check: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
