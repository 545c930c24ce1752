/* two threads run a racy loop that reaches one racy increment through
 * 150 distinct callers: DRD reports each (caller, access) pair separately */
#include <pthread.h>
#include <stdio.h>
long counter;
__attribute__((noinline)) static void bump(void)
{
    counter++;
}
__attribute__((noinline)) static void via0(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via1(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via2(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via3(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via4(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via5(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via6(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via7(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via8(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via9(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via10(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via11(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via12(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via13(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via14(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via15(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via16(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via17(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via18(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via19(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via20(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via21(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via22(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via23(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via24(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via25(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via26(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via27(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via28(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via29(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via30(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via31(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via32(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via33(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via34(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via35(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via36(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via37(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via38(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via39(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via40(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via41(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via42(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via43(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via44(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via45(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via46(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via47(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via48(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via49(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via50(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via51(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via52(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via53(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via54(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via55(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via56(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via57(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via58(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via59(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via60(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via61(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via62(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via63(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via64(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via65(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via66(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via67(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via68(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via69(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via70(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via71(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via72(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via73(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via74(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via75(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via76(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via77(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via78(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via79(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via80(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via81(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via82(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via83(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via84(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via85(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via86(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via87(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via88(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via89(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via90(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via91(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via92(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via93(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via94(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via95(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via96(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via97(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via98(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via99(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via100(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via101(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via102(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via103(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via104(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via105(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via106(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via107(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via108(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via109(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via110(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via111(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via112(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via113(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via114(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via115(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via116(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via117(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via118(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via119(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via120(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via121(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via122(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via123(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via124(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via125(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via126(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via127(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via128(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via129(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via130(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via131(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via132(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via133(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via134(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via135(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via136(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via137(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via138(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via139(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via140(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via141(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via142(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via143(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via144(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via145(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via146(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via147(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via148(void) { bump(); __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) static void via149(void) { bump(); __asm__ volatile("" ::: "memory"); }
static void (*const callers[])(void) = {
    via0,
    via1,
    via2,
    via3,
    via4,
    via5,
    via6,
    via7,
    via8,
    via9,
    via10,
    via11,
    via12,
    via13,
    via14,
    via15,
    via16,
    via17,
    via18,
    via19,
    via20,
    via21,
    via22,
    via23,
    via24,
    via25,
    via26,
    via27,
    via28,
    via29,
    via30,
    via31,
    via32,
    via33,
    via34,
    via35,
    via36,
    via37,
    via38,
    via39,
    via40,
    via41,
    via42,
    via43,
    via44,
    via45,
    via46,
    via47,
    via48,
    via49,
    via50,
    via51,
    via52,
    via53,
    via54,
    via55,
    via56,
    via57,
    via58,
    via59,
    via60,
    via61,
    via62,
    via63,
    via64,
    via65,
    via66,
    via67,
    via68,
    via69,
    via70,
    via71,
    via72,
    via73,
    via74,
    via75,
    via76,
    via77,
    via78,
    via79,
    via80,
    via81,
    via82,
    via83,
    via84,
    via85,
    via86,
    via87,
    via88,
    via89,
    via90,
    via91,
    via92,
    via93,
    via94,
    via95,
    via96,
    via97,
    via98,
    via99,
    via100,
    via101,
    via102,
    via103,
    via104,
    via105,
    via106,
    via107,
    via108,
    via109,
    via110,
    via111,
    via112,
    via113,
    via114,
    via115,
    via116,
    via117,
    via118,
    via119,
    via120,
    via121,
    via122,
    via123,
    via124,
    via125,
    via126,
    via127,
    via128,
    via129,
    via130,
    via131,
    via132,
    via133,
    via134,
    via135,
    via136,
    via137,
    via138,
    via139,
    via140,
    via141,
    via142,
    via143,
    via144,
    via145,
    via146,
    via147,
    via148,
    via149,
};
static void *worker(void *arg)
{
    (void)arg;
    for (int r = 0; r < 2; r++)
        for (unsigned i = 0; i < sizeof(callers) / sizeof(callers[0]); i++)
            callers[i]();
    return NULL;
}
int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker, NULL);
    pthread_create(&t2, NULL, worker, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("%ld\n", counter);
    return 0;
}
