/* The C interface of the Kamer client library: the essentials for partner systems written in
 * Java (JNA/FFM), .NET (P/Invoke), Python (ctypes) or C. Behind it is the C++ Session: it
 * reconnects by itself, resumes followed rooms without gaps or duplicates, and resends
 * requests with their message id until answered.
 *
 * Strings are UTF-8 and NUL-terminated. Strings the library returns through char** are
 * owned by the caller and freed with kamer_free(). A session may be used from several threads,
 * but kamer_last_error() describes the last failure of any of them: call one function at a
 * time when you read it. */
#ifndef KAMER_KAMER_H
#define KAMER_KAMER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KAMER_API __attribute__((visibility("default")))
#else
#define KAMER_API
#endif

typedef struct kamer_session kamer_session;

typedef struct kamer_options {
    const char* host;             /* NULL: "127.0.0.1" */
    uint16_t port;                /* 0: 8443 */
    const char* server_name;      /* checked against the server certificate; NULL: "localhost" */
    const char* certificate_file; /* the organisation certificate chain (PEM, leaf first) */
    const char* private_key_file; /* its private key (PEM) */
    const char* ca_file;          /* the CA bundle that issued the server certificate */
    const char* actor;            /* optional: id of the professional acting for the organisation */
    const char* position_file;    /* optional: positions kept here survive a restart */
    int connect_timeout_ms;       /* how long kamer_connect waits for the first connection; 0: 10 s */
} kamer_options;

enum {
    KAMER_OK = 0,
    KAMER_NO_EVENT = 1,          /* kamer_receive: nothing arrived within the timeout */
    KAMER_ERR_ARGUMENT = -1,     /* a NULL or malformed argument (e.g. body_json not an object) */
    KAMER_ERR_CONNECT = -2,      /* could not connect (see kamer_last_error) */
    KAMER_ERR_REFUSED = -3,      /* the server refused the request: kamer_last_error_code() */
    KAMER_ERR_QUEUE_FULL = -4,   /* too many requests waiting for an answer: try again later */
    KAMER_ERR_CLOSED = -5,       /* the session has ended (closed, or refused for good) */
    KAMER_ERR_INTERNAL = -6
};

/* Connects with mutual TLS and greets. On success *session is set; on failure it is NULL and
 * `error` (if not NULL) receives a message of at most error_size bytes. */
KAMER_API int kamer_connect(const kamer_options* options, kamer_session** session, char* error, size_t error_size);

/* Follows a room: its events arrive through kamer_receive, from `after` (a cursor; NULL: the
 * saved position, else the beginning). Being invited is not enough: accept first
 * (kamer_request "member.accept"). */
KAMER_API int kamer_join(kamer_session* session, const char* room, const char* after);

/* Posts a contribution for all members the sharing agreement allows. `category` is e.g.
 * "general", "health", "justice". `message_id` (may be NULL) makes a resend safe; the item id
 * is written to item_out (if not NULL). */
KAMER_API int kamer_post(kamer_session* session, const char* room, const char* text, const char* category,
               const char* message_id, char* item_out, size_t item_size);

/* The next event as JSON: {"room":…,"cursor":…,"entry":{…}} for a followed room, or
 * {"room":…,"notice":{…}} for a notice to the organisation. KAMER_NO_EVENT after timeout_ms. */
KAMER_API int kamer_receive(kamer_session* session, int timeout_ms, char** event_json);

/* Any request of the protocol (protocol/PROTOCOL.md): `type` such as "room.get", the body as
 * a JSON object. The reply body is returned as JSON. */
KAMER_API int kamer_request(kamer_session* session, const char* type, const char* body_json, const char* message_id,
                  char** reply_json);

KAMER_API const char* kamer_last_error(const kamer_session* session);      /* a sentence; "" when none */
KAMER_API const char* kamer_last_error_code(const kamer_session* session); /* e.g. "not_found"; "" when none */

KAMER_API void kamer_free(char* text);

/* Saves the position, closes the connection and frees the session. */
KAMER_API void kamer_close(kamer_session* session);

#ifdef __cplusplus
}
#endif

#endif /* KAMER_KAMER_H */
