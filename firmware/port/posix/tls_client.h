#ifndef TLS_CLIENT_H
#define TLS_CLIENT_H

/** `hallmark-agent tls-client …` (argv[0] is "tls-client"); returns the exit status. */
int tls_client_main(int argc, char **argv);

#endif
