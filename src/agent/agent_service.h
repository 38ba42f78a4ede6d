/*
 * agent_service — loginrec-agent as a Windows service (agent_service_win.c;
 * on Linux systemd runs it, contrib/loginrec-agent.service, and these say
 * so and fail).
 *
 * --install registers "loginrec LanScope agent" with the Service Control
 * Manager: automatic start, restarted on failure (after 5 s, 30 s, 60 s),
 * run as LocalSystem with `--service --config FILE`. It makes the settings
 * folder (%ProgramData%\loginrec) readable by Administrators and SYSTEM
 * only, since agent.ini holds the token, writes an agent.ini to fill in
 * when there is none, and registers the Event Log source. --uninstall
 * stops and removes the service and the source, and leaves the settings
 * and the ledger.
 *
 * Under the service every log line goes to agent.log beside the settings
 * (1 MiB, then agent.log.1 .. agent.log.3) and to the Application event
 * log (source loginrec-agent); a stop request ends the waits at once.
 */
#ifndef LR_AGENT_AGENT_SERVICE_H
#define LR_AGENT_AGENT_SERVICE_H

#include "agent/agent_config.h"

#define AGENT_SERVICE_NAME "loginrec-agent"
#define AGENT_SERVICE_DISPLAY "loginrec LanScope agent"

/* The settings file the service reads when --config is not given
 * (%ProgramData%\loginrec\agent.ini); "" on Linux. */
void agent_service_config_path(char *out, size_t outsz);

/* Exit codes: 0 done, 1 refused (words on stderr). */
int agent_service_install(const char *config_path);
int agent_service_uninstall(void);

/* Runs the agent on the settings file config_path under the Service
 * Control Manager until it asks to stop. */
int agent_service_run(const char *config_path);

#endif
