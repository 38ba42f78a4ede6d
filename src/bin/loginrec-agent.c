/*
 * loginrec-agent — the LanScope connector: sends the CSV files the LanScope
 * Cat manager writes to loginrecd (see src/agent/agent_run.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#endif

#include "agent/agent_client.h"
#include "agent/agent_config.h"
#include "agent/agent_os.h"
#include "agent/agent_run.h"
#include "agent/agent_service.h"
#include "util/log.h"

static const char usage[] =
    "usage: loginrec-agent [--config FILE] [options] [--check]\n"
    "\n"
    "  --config FILE           INI settings ([agent] section); flags win over it\n"
    "  --company CODE          企業コード: the first 3 or 6 characters of the login ID\n"
    "  --token TOKEN           アクセストークン: 32 letters and digits\n"
    "  --watch-dir DIR         the LanScope manager's OUTPUTDIR, or a folder of logs\n"
    "  --source SOURCE         what the folder holds: lanscope (*.csv, the default),\n"
    "                          evtx (*.evtx), winlogbeat (*.ndjson, *.json),\n"
    "                          journald (*.json) or wtmp (wtmp*, with --host)\n"
    "  --host PC               the PC of a wtmp folder\n"
    "  --follow FILE           instead of --watch-dir: send the records appended to a\n"
    "                          growing wtmp file, across rotations (--source wtmp)\n"
    "  --server URL            loginrecd (default http://127.0.0.1:8080)\n"
    "  --proxy HOST:PORT       an HTTP proxy on the way\n"
    "  --proxy-user USER       a proxy with authentication (with --proxy-password)\n"
    "  --proxy-password PASS\n"
    "  --state-dir DIR         what was sent (default $STATE_DIRECTORY or\n"
    "                          /var/lib/loginrec-agent; Windows: %ProgramData%\\loginrec)\n"
    "  --rescan-seconds N      full rescan of the folder (default 180)\n"
    "  --stable-seconds N      a file's size must hold this long (default 5)\n"
    "  --retry-max-seconds N   longest wait between tries while down (default 300)\n"
    "  --timeout-seconds N     one upload (default 120)\n"
    "  --check                 check the settings and reach the server, then exit\n"
    "  --install               Windows: register the service \"loginrec LanScope agent\"\n"
    "                          (automatic start, settings in %ProgramData%\\loginrec\\agent.ini)\n"
    "  --uninstall             Windows: remove the service (the settings stay)\n"
    "  --version\n";

static volatile sig_atomic_t stop_requested;

#ifndef _WIN32
static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}
#else
/* Ctrl+C, Ctrl+Break or the console closing: stop at once, as a signal
 * does on Linux (the waits end with agent_os_wake). */
static BOOL WINAPI on_console(DWORD type)
{
    (void)type;
    stop_requested = 1;
    agent_os_wake();
    return TRUE;
}
#endif

static int agent_main(int argc, char **argv)
{
    agent_config c;
    lr_error err;
    int check = 0;
    const char *config = NULL;
    char service_ini[AGENT_PATH_MAX + 16];

    agent_config_defaults(&c);
    /* the file first, so that flags win whatever their order */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
    /* the service's settings (Windows: %ProgramData%\loginrec\agent.ini)
     * when none is named */
    agent_service_config_path(service_ini, sizeof service_ini);
    if (!config && service_ini[0] && agent_os_exists(service_ini))
        config = service_ini;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--install") == 0)
            return agent_service_install(config);
        if (strcmp(argv[i], "--uninstall") == 0)
            return agent_service_uninstall();
        if (strcmp(argv[i], "--service") == 0) {
            agent_client_init();
            return agent_service_run(config ? config : service_ini);
        }
    }
    if (config && agent_config_load(&c, config, &err) != LR_OK) {
        char msg[1200];
        lr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "loginrec-agent: %s\n", msg);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--check") == 0) {
            check = 1;
        } else if (strcmp(a, "--version") == 0) {
            printf("loginrec-agent %s\n", LR_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--config") == 0) {
            i++;
        } else if (strncmp(a, "--", 2) == 0 && i + 1 < argc) {
            if (agent_config_set(&c, a + 2, argv[++i], &err) != LR_OK) {
                fprintf(stderr, "loginrec-agent: %s\n%s", err.message, usage);
                return 2;
            }
        } else {
            fprintf(stderr, "loginrec-agent: unexpected '%s'\n%s", a, usage);
            return 2;
        }
    }
    agent_client_init();
    if (check)
        return agent_check(&c);
#ifdef _WIN32
    SetConsoleCtrlHandler(on_console, TRUE);
#else
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends the wait at once */
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
    }
#endif
    return agent_run(&c, &stop_requested);
}

#ifdef _WIN32
/* Windows hands the arguments over in UTF-16 (wmain, -municode); the
 * agent speaks UTF-8, so a folder such as C:\ログ出力 arrives whole. */
int wmain(int argc, wchar_t **wargv);
int wmain(int argc, wchar_t **wargv)
{
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    for (int i = 0; argv && i < argc; i++)
        if (!(argv[i] = agent_os_utf8(wargv[i]))) {
            fprintf(stderr, "loginrec-agent: argument %d cannot be read\n", i);
            return 2;
        }
    if (!argv)
        return 2;
    return agent_main(argc, argv);
}
#else
int main(int argc, char **argv)
{
    return agent_main(argc, argv);
}
#endif
