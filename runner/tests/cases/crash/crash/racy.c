/* Dies of a signal the case does not expect. */
#include <signal.h>

int main(void)
{
    raise(SIGSEGV);
    return 0;
}
