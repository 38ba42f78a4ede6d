/*
 * wine_hold — holds a file open without sharing it, as a virus scanner or
 * a backup tool may, for the seconds given, then lets it go. e2e_wine_agent
 * builds it with mingw-w64 and runs it under Wine beside the agent.
 *   wine_hold.exe FILE SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv)
{
    HANDLE h;
    if (argc != 3)
        return 2;
    h = CreateFileW(argv[1], GENERIC_READ, 0 /* no sharing */, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    printf("holding\n");
    fflush(stdout);
    Sleep((DWORD)wcstoul(argv[2], NULL, 10) * 1000);
    CloseHandle(h);
    return 0;
}
