/* The one function Rust's std imports from bcryptprimitives.dll (std::sys::random on Windows
 * 10+), which Debian 12's Wine 8.0 lacks: every Rust .exe would fail to start with
 * "bcryptprimitives.dll not found". Built by scripts/wine/setup.sh for the test prefix only. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE p, SIZE_T n) {
    while (n > 0) {
        ULONG chunk = n > 0x40000000 ? 0x40000000 : (ULONG)n;
        if (BCryptGenRandom(NULL, p, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        p += chunk;
        n -= chunk;
    }
    return TRUE;
}
