/* A data race whose racing line is in the program's own header, bump.h,
 * beside this file: two threads run bumper() from there. The user's code,
 * not "off the marked lines". */
#include <pthread.h>

#include "bump.h"

int hits;

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, bumper, NULL);
    pthread_create(&b, NULL, bumper, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
