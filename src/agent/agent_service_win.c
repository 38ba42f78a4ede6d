/*
 * agent_service_win — loginrec-agent under the Service Control Manager
 * (see agent_service.h). On Linux these only say they are Windows'.
 */
#include "agent/agent_service.h"

#include <stdio.h>
#include <string.h>

#ifndef _WIN32
void agent_service_config_path(char *out, size_t outsz)
{
    if (outsz)
        out[0] = '\0';
}

static int windows_only(void)
{
    fprintf(stderr, "loginrec-agent: --install, --uninstall and --service are for Windows; on "
                    "Linux systemd runs the agent (etc/systemd/loginrec-agent.service.in)\n");
    return 1;
}

int agent_service_install(const char *config_path)
{
    (void)config_path;
    return windows_only();
}

int agent_service_uninstall(void)
{
    return windows_only();
}

int agent_service_run(const char *config_path)
{
    (void)config_path;
    return windows_only();
}
#else
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <signal.h>
#include <stdlib.h>

#include "agent/agent_os.h"
#include "agent/agent_run.h"
#include "util/log.h"

#define LOG_MAX (1024L * 1024) /* agent.log rotates past this */
#define LOG_KEEP 3             /* agent.log.1 .. agent.log.3 */
/* Owned by Administrators, and SYSTEM and Administrators only, not
 * inherited from ProgramData: the settings hold the token and the proxy
 * password, and an owner could always change the list again (a user who
 * made the folder before the install) */
#define SETTINGS_SDDL L"O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
#define EVENTLOG_KEY                                                                               \
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" WIDEN(AGENT_SERVICE_NAME)
#define WIDEN2(s) L##s
#define WIDEN(s) WIDEN2(s)

/* The settings to fill in (windows/agent.ini, compiled in as the RCDATA
 * resource AGENT_INI; the msi installs the same file): its bytes, or
 * NULL. */
static const char *settings_template(DWORD *n)
{
    HRSRC r = FindResourceW(NULL, L"AGENT_INI", MAKEINTRESOURCEW(10) /* RT_RCDATA */);
    HGLOBAL g = r ? LoadResource(NULL, r) : NULL;
    *n = r ? SizeofResource(NULL, r) : 0;
    return g ? LockResource(g) : NULL;
}

/* Writes the settings to fill in as ini when it does not exist; 1 when it
 * wrote them. */
static int write_template(const char *ini)
{
    DWORD n;
    const char *tmpl;
    FILE *f;
    if (agent_os_exists(ini) || !(tmpl = settings_template(&n)) || !(f = agent_os_fopen(ini, "wb")))
        return 0;
    fwrite(tmpl, 1, n, f);
    return fclose(f) == 0;
}

void agent_service_config_path(char *out, size_t outsz)
{
    char dir[AGENT_PATH_MAX];
    agent_os_state_dir(dir, sizeof dir);
    snprintf(out, outsz, "%s\\agent.ini", dir);
}

/* Gives path the settings' owner and ACL (SYSTEM and Administrators
 * only). */
static int protect_one(const char *path)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    PACL dacl = NULL;
    PSID owner = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    wchar_t *p = agent_os_wide(path);
    DWORD rc = ERROR_INVALID_PARAMETER;
    if (p && ConvertStringSecurityDescriptorToSecurityDescriptorW(SETTINGS_SDDL, SDDL_REVISION_1,
                                                                  &sd, NULL) &&
        GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) &&
        GetSecurityDescriptorOwner(sd, &owner, &defaulted))
        rc = SetNamedSecurityInfoW(p, SE_FILE_OBJECT,
                                   OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                                       PROTECTED_DACL_SECURITY_INFORMATION,
                                   owner, NULL, dacl, NULL);
    if (sd)
        LocalFree(sd);
    free(p);
    return rc == ERROR_SUCCESS ? 0 : -1;
}

static void say_error(const char *what);

/* The settings folder and, when it exists, the settings file. */
static int protect(const char *dir, const char *ini)
{
    return protect_one(dir) != 0 || (agent_os_exists(ini) && protect_one(ini) != 0) ? -1 : 0;
}

/* The settings folder and file limited to Administrators and SYSTEM, and
 * said; -1 when Windows refused. */
static int protect_settings(const char *dir, const char *ini)
{
    if (protect(dir, ini) != 0) {
        say_error("cannot limit the settings to Administrators and SYSTEM");
        return -1;
    }
    printf("limited %s to Administrators and SYSTEM (%ls)\n", dir, SETTINGS_SDDL);
    return 0;
}

static void say_error(const char *what)
{
    fprintf(stderr, "loginrec-agent: %s (Windows error %lu)\n", what,
            (unsigned long)GetLastError());
}

/* The event source, so that the Event Viewer shows the agent's lines with
 * the exe's message table (windows/messages.mc). */
static void register_source(const wchar_t *exe)
{
    HKEY k;
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &k,
                        NULL) != ERROR_SUCCESS)
        return;
    RegSetValueExW(k, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
                   (DWORD)((wcslen(exe) + 1) * sizeof *exe));
    RegSetValueExW(k, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
    RegCloseKey(k);
}

/* The service's description, and its restarts on failure (5 s, 30 s,
 * 60 s; the count starts again after a day): set by --install, and by the
 * service itself at each start, for an install by the msi. */
static void describe(SC_HANDLE svc)
{
    SC_ACTION actions[3] = {{SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000},
                            {SC_ACTION_RESTART, 60000}};
    SERVICE_FAILURE_ACTIONSW fa = {86400, NULL, NULL, 3, actions};
    SERVICE_DESCRIPTIONW desc = {
        L"Sends the LanScope Cat manager's PC log files to loginrec (KING OF TIME punches)."};
    /* a stop with an error code counts as a failure, not only a crash */
    SERVICE_FAILURE_ACTIONS_FLAG on_errors = {TRUE};
    ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc);
    ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa);
    ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_errors);
}

int agent_service_install(const char *config_path)
{
    char dir[AGENT_PATH_MAX], ini[AGENT_PATH_MAX + 16], why[300];
    wchar_t exe[MAX_PATH], cmd[MAX_PATH * 3], *wini;
    SC_HANDLE scm, svc;

    /* nothing is touched when the service cannot be made */
    if (!(scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE))) {
        say_error("cannot open the Service Control Manager (run as an administrator)");
        return 1;
    }
    if ((svc = OpenServiceW(scm, WIDEN(AGENT_SERVICE_NAME), SERVICE_QUERY_STATUS))) {
        fprintf(stderr, "loginrec-agent: the service %s is installed already (--uninstall first)\n",
                AGENT_SERVICE_NAME);
        CloseServiceHandle(svc);
        CloseServiceHandle(scm);
        return 1;
    }
    agent_os_state_dir(dir, sizeof dir);
    if (config_path && config_path[0])
        snprintf(ini, sizeof ini, "%s", config_path);
    else
        agent_service_config_path(ini, sizeof ini);
    if (agent_os_mkdir(dir, why, sizeof why) != 0) {
        fprintf(stderr, "loginrec-agent: cannot create %s: %s\n", dir, why);
        goto refused;
    }
    if (write_template(ini))
        printf("wrote %s: fill in the company code, the token and the folder\n", ini);
    if (protect_settings(dir, ini) != 0)
        goto refused;
    if (!GetModuleFileNameW(NULL, exe, MAX_PATH)) {
        say_error("cannot find this program's own path");
        goto refused;
    }
    if (!(wini = agent_os_wide(ini)))
        goto refused;
    _snwprintf(cmd, sizeof cmd / sizeof *cmd, L"\"%ls\" --service --config \"%ls\"", exe, wini);
    cmd[sizeof cmd / sizeof *cmd - 1] = 0;
    free(wini);
    svc = CreateServiceW(scm, WIDEN(AGENT_SERVICE_NAME), WIDEN(AGENT_SERVICE_DISPLAY),
                         SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                         SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL, NULL, NULL);
    if (!svc) {
        if (GetLastError() == ERROR_SERVICE_EXISTS)
            fprintf(stderr, "loginrec-agent: the service %s is installed already "
                            "(--uninstall first)\n",
                    AGENT_SERVICE_NAME);
        else
            say_error("cannot create the service");
        CloseServiceHandle(scm);
        return 1;
    }
    describe(svc);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    register_source(exe);
    printf("installed the service %s (\"%s\", automatic start) reading %s; start it with: net "
           "start %s\n",
           AGENT_SERVICE_NAME, AGENT_SERVICE_DISPLAY, ini, AGENT_SERVICE_NAME);
    return 0;
refused:
    CloseServiceHandle(scm);
    return 1;
}

int agent_service_uninstall(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc;
    SERVICE_STATUS ss;
    if (!scm) {
        say_error("cannot open the Service Control Manager (run as an administrator)");
        return 1;
    }
    svc = OpenServiceW(scm, WIDEN(AGENT_SERVICE_NAME), SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
    if (!svc) {
        fprintf(stderr, "loginrec-agent: the service %s is not installed\n", AGENT_SERVICE_NAME);
        CloseServiceHandle(scm);
        return 1;
    }
    if (ControlService(svc, SERVICE_CONTROL_STOP, &ss))
        for (int i = 0; i < 100 && QueryServiceStatus(svc, &ss) &&
                        ss.dwCurrentState != SERVICE_STOPPED;
             i++)
            Sleep(100);
    if (!DeleteService(svc)) {
        say_error("cannot remove the service");
        CloseServiceHandle(svc);
        CloseServiceHandle(scm);
        return 1;
    }
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY);
    printf("removed the service %s; the settings and what was sent stay in %%ProgramData%%\\loginrec\n",
           AGENT_SERVICE_NAME);
    return 0;
}

/* -- under the Service Control Manager -------------------------------- */

static const char *service_config_path;
static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static volatile sig_atomic_t stop_requested;
static HANDLE event_source;
static char log_path[AGENT_PATH_MAX + 16];
static CRITICAL_SECTION log_lock;

static void set_state(DWORD state, DWORD exit_code)
{
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN
                                                         : 0;
    status.dwWin32ExitCode = exit_code ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
    status.dwServiceSpecificExitCode = exit_code;
    /* a stop may wait for an upload in flight (its timeout): stopping it
     * midway would send the file again after the restart */
    status.dwWaitHint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : 130000;
    SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI on_control(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    (void)type;
    (void)data;
    (void)ctx;
    if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
        set_state(SERVICE_STOP_PENDING, 0);
        stop_requested = 1;
        agent_os_wake(); /* the folder's wait ends at once */
        return NO_ERROR;
    }
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

/* agent.log -> agent.log.1 -> ... when it passed LOG_MAX. */
static void rotate(void)
{
    char from[sizeof log_path + 4], to[sizeof log_path + 4], why[64];
    WIN32_FILE_ATTRIBUTE_DATA a;
    wchar_t *p = agent_os_wide(log_path);
    int big = p && GetFileAttributesExW(p, GetFileExInfoStandard, &a) &&
              (a.nFileSizeHigh > 0 || a.nFileSizeLow > (DWORD)LOG_MAX);
    free(p);
    if (!big)
        return;
    for (int i = LOG_KEEP; i >= 1; i--) {
        snprintf(to, sizeof to, "%s.%d", log_path, i);
        if (i == 1)
            snprintf(from, sizeof from, "%s", log_path);
        else
            snprintf(from, sizeof from, "%s.%d", log_path, i - 1);
        if (i == LOG_KEEP) {
            wchar_t *t = agent_os_wide(to);
            if (t)
                DeleteFileW(t);
            free(t);
        }
        agent_os_rename(from, to, why, sizeof why);
    }
}

/* Every line to agent.log (rotated) and to the Application event log. */
static void service_sink(lr_log_level level, const char *line, size_t n, const char *text)
{
    wchar_t *w;
    EnterCriticalSection(&log_lock);
    rotate();
    {
        lr_error err;
        agent_os_append_sync(log_path, line, n, &err);
    }
    LeaveCriticalSection(&log_lock);
    if (event_source && (w = agent_os_wide(text))) {
        const wchar_t *strings[1] = {w};
        size_t k = wcslen(w);
        while (k > 0 && (w[k - 1] == L'\n' || w[k - 1] == L'\r'))
            w[--k] = 0;
        ReportEventW(event_source,
                     level >= LR_LOG_ERROR  ? EVENTLOG_ERROR_TYPE
                     : level == LR_LOG_WARN ? EVENTLOG_WARNING_TYPE
                                            : EVENTLOG_INFORMATION_TYPE,
                     0, 1 /* MSG_TEXT: "%1" */, NULL, 1, 0, strings, NULL);
        free(w);
    }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    char dir[AGENT_PATH_MAX], why[300];
    int rc, made;
    SC_HANDLE scm, svc;
    (void)argc;
    (void)argv;
    if (!(status_handle = RegisterServiceCtrlHandlerExW(WIDEN(AGENT_SERVICE_NAME), on_control,
                                                       NULL)))
        return;
    set_state(SERVICE_START_PENDING, 0);
    agent_os_state_dir(dir, sizeof dir);
    made = agent_os_mkdir(dir, why, sizeof why) == 0; /* where the log goes */
    snprintf(log_path, sizeof log_path, "%s\\agent.log", dir);
    InitializeCriticalSection(&log_lock);
    event_source = RegisterEventSourceW(NULL, WIDEN(AGENT_SERVICE_NAME));
    log_set_sink(service_sink);
    set_state(SERVICE_RUNNING, 0);
    log_info("loginrec-agent %s: started as the service %s", LR_VERSION, AGENT_SERVICE_NAME);
    /* as --install does, for an install by the msi: the settings to fill
     * in, limited to Administrators and SYSTEM; the restarts on failure */
    if (!made)
        log_error("cannot create %s: %s", dir, why);
    else if (write_template(service_config_path))
        log_info("wrote %s: fill in the company code, the token and the folder",
                 service_config_path);
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    svc = scm ? OpenServiceW(scm, WIDEN(AGENT_SERVICE_NAME), SERVICE_CHANGE_CONFIG) : NULL;
    if (svc) {
        describe(svc);
        CloseServiceHandle(svc);
    }
    if (scm)
        CloseServiceHandle(scm);
    if (protect(dir, service_config_path) != 0)
        log_error("cannot limit %s to Administrators and SYSTEM (Windows error %lu)", dir,
                  (unsigned long)GetLastError());
    /* settings that are not right yet (a fresh install) are said, and
     * read again every minute, instead of failing the service */
    rc = agent_run_service(service_config_path, &stop_requested);
    log_info("loginrec-agent: the service stopped");
    log_set_sink(NULL);
    if (event_source)
        DeregisterEventSource(event_source);
    set_state(SERVICE_STOPPED, (DWORD)rc);
}

int agent_service_run(const char *config_path)
{
    SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)WIDEN(AGENT_SERVICE_NAME), service_main},
                                    {NULL, NULL}};
    service_config_path = config_path;
    if (!StartServiceCtrlDispatcherW(table)) {
        say_error("--service is for the Service Control Manager (install with --install, "
                  "start with net start " AGENT_SERVICE_NAME ")");
        return 1;
    }
    return 0;
}
#endif
