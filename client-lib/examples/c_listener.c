/* The C interface in a dozen lines: follow one room and print its events as JSON, one per
 * line, for ten seconds.
 *
 *   c-listener 8443 politie.pem politie.key ca-bundle.pem ROOM */
#include <stdio.h>
#include <stdlib.h>

#include "kamer/kamer.h"

int main(int argc, char** argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: c-listener port certificate key ca room\n");
        return 2;
    }
    kamer_options options = {0};
    options.port = (uint16_t)atoi(argv[1]);
    options.certificate_file = argv[2];
    options.private_key_file = argv[3];
    options.ca_file = argv[4];

    kamer_session* session = NULL;
    char error[256];
    if (kamer_connect(&options, &session, error, sizeof error) != KAMER_OK) {
        fprintf(stderr, "cannot connect: %s\n", error);
        return 1;
    }
    if (kamer_join(session, argv[5], NULL) != KAMER_OK) {
        fprintf(stderr, "cannot follow the room: %s (%s)\n", kamer_last_error(session), kamer_last_error_code(session));
        kamer_close(session);
        return 1;
    }
    for (int i = 0; i < 50; ++i) {
        char* event = NULL;
        int rc = kamer_receive(session, 200, &event);
        if (rc == KAMER_OK) {
            printf("%s\n", event);
            kamer_free(event);
        } else if (rc != KAMER_NO_EVENT) {
            fprintf(stderr, "%s\n", kamer_last_error(session));
            break;
        }
    }
    kamer_close(session);
    return 0;
}
