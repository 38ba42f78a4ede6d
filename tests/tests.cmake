# Test registration. Labels: unit (cmocka); e2e (real processes over real
# sockets, on SQLite); postgres (the store's unit tests and the e2e scripts
# again, on a throw-away PostgreSQL cluster); valgrind (e2e scripts with
# loginrecd under memcheck); browser; lint. make check runs unit, e2e,
# valgrind, browser and lint on the release build, and unit and postgres
# on the ASan+UBSan build.

# The PostgreSQL cluster of the postgres tests: started before the first,
# stopped after the last (ctest fixtures).
add_test(NAME pg_cluster_start
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/pg/cluster.sh start ${CMAKE_BINARY_DIR}/pg)
add_test(NAME pg_cluster_stop
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/pg/cluster.sh stop ${CMAKE_BINARY_DIR}/pg)
set_tests_properties(pg_cluster_start PROPERTIES FIXTURES_SETUP pg LABELS postgres TIMEOUT 120)
set_tests_properties(pg_cluster_stop PROPERTIES FIXTURES_CLEANUP pg LABELS postgres TIMEOUT 120)

# tests/e2e/NAME.sh run against the build, as ctest test e2e_NAME on SQLite
# and e2e_pg_NAME on PostgreSQL. Options after the timeout: SQLITE_ONLY,
# PG_ONLY, SERIAL (runs alone: it restarts the cluster).
function(lr_e2e_test name timeout)
  if(NOT "PG_ONLY" IN_LIST ARGN)
    add_test(NAME e2e_${name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/${name}.sh ${CMAKE_BINARY_DIR})
    set_tests_properties(e2e_${name} PROPERTIES LABELS e2e TIMEOUT ${timeout})
  endif()
  if(NOT "SQLITE_ONLY" IN_LIST ARGN)
    add_test(NAME e2e_pg_${name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/${name}.sh ${CMAKE_BINARY_DIR})
    set_tests_properties(e2e_pg_${name} PROPERTIES LABELS postgres TIMEOUT ${timeout}
                         FIXTURES_REQUIRED pg ENVIRONMENT LR_TEST_BACKEND=postgres)
    if("SERIAL" IN_LIST ARGN)
      set_tests_properties(e2e_pg_${name} PROPERTIES RUN_SERIAL ON)
    endif()
  endif()
endfunction()

# tests/unit/NAME.c (cmocka) with the sources after it, as ctest test NAME.
# A test of the store (it links tests/unit/fixture.c) runs a second time on
# PostgreSQL as NAME_pg: the fixture gives each case a database of its own.
# test_pg_*: the PostgreSQL driver's own tests, on the cluster only.
function(lr_unit_test name)
  add_executable(${name} tests/unit/${name}.c ${ARGN})
  target_link_libraries(${name} PRIVATE loginrec_core PkgConfig::CMOCKA)
  set(tmp "LR_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp")
  if(name MATCHES "^test_pg_")
    set(pg_test ${name})
  else()
    add_test(NAME ${name} COMMAND ${name} ${LR_TEST_ARGS_${name}}
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120 ENVIRONMENT "${tmp}")
    if("tests/unit/fixture.c" IN_LIST ARGN)
      set(pg_test ${name}_pg)
    endif()
  endif()
  if(DEFINED pg_test)
    add_test(NAME ${pg_test} COMMAND ${name} ${LR_TEST_ARGS_${name}}
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(${pg_test} PROPERTIES LABELS postgres TIMEOUT 300
                         FIXTURES_REQUIRED pg
                         ENVIRONMENT "${tmp};LR_TEST_BACKEND=postgres;LR_PG_URL_FILE=${CMAKE_BINARY_DIR}/pg/url")
  endif()
endfunction()

set(LR_TEST_ARGS_test_day ${CMAKE_SOURCE_DIR}/tests/cases/day)
lr_unit_test(test_day tests/unit/cases.c)
set(LR_TEST_ARGS_test_divergence ${CMAKE_SOURCE_DIR}/tests/cases/divergence)
lr_unit_test(test_divergence tests/unit/cases.c)
lr_unit_test(test_timefmt)
lr_unit_test(test_punch)
lr_unit_test(test_event_parse)
lr_unit_test(test_secrets)
lr_unit_test(test_service tests/unit/fixture.c)
set(LR_TEST_ARGS_test_win_session ${CMAKE_SOURCE_DIR}/tests/cases/win)
lr_unit_test(test_win_session tests/unit/cases.c)
set(LR_TEST_ARGS_test_win_sources ${CMAKE_SOURCE_DIR}/tests/data)
lr_unit_test(test_win_sources tests/unit/cases.c)
lr_unit_test(test_pc_ingest tests/unit/fixture.c tests/unit/cases.c)
set(LR_TEST_ARGS_test_wtmp ${CMAKE_SOURCE_DIR}/tests/data)
lr_unit_test(test_wtmp tests/unit/cases.c)
set(LR_TEST_ARGS_test_csv ${CMAKE_SOURCE_DIR}/tests/cases/csv)
lr_unit_test(test_csv tests/unit/cases.c)
lr_unit_test(test_encoding)
lr_unit_test(test_link_csv)
lr_unit_test(test_kot_reply)
lr_unit_test(test_kot_api)
lr_unit_test(test_kot_dispatch tests/unit/fixture.c)
lr_unit_test(test_links tests/unit/fixture.c tests/unit/cases.c)
lr_unit_test(test_lanscope tests/unit/fixture.c tests/unit/cases.c)
lr_unit_test(test_malion tests/unit/fixture.c)
lr_unit_test(test_admins tests/unit/fixture.c)
lr_unit_test(test_pg_driver tests/unit/fixture.c)
lr_unit_test(test_tmpl)
lr_unit_test(test_form)
lr_unit_test(test_i18n)
lr_unit_test(test_progress)
lr_unit_test(test_overtime)
lr_unit_test(test_curl_call)
lr_unit_test(test_sql_driver tests/unit/fixture.c)
lr_unit_test(test_query_plans)
lr_unit_test(test_migrations)
lr_unit_test(test_settings)
lr_unit_test(test_generation tests/unit/fixture.c)
lr_unit_test(test_resp_cache)
lr_unit_test(test_buf)
lr_unit_test(test_metrics)
lr_unit_test(test_ingest_group tests/unit/fixture.c)
lr_unit_test(test_company_settings tests/unit/fixture.c)
lr_unit_test(test_agent)
target_link_libraries(test_agent PRIVATE lr_agent)

# Schema parity: both dialects' migrations compared (PostgreSQL cluster).
add_test(NAME test_schema_parity
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/schema_parity.sh ${CMAKE_BINARY_DIR})
set_tests_properties(test_schema_parity PROPERTIES LABELS postgres TIMEOUT 120
                     FIXTURES_REQUIRED pg ENVIRONMENT LR_TEST_BACKEND=postgres)

lr_e2e_test(api 300)
lr_e2e_test(links 300)
lr_e2e_test(kot 600)
lr_e2e_test(kot_hours 600)
lr_e2e_test(divergence 300)
# demo: `make run`'s SQLite set-up (scripts/demo.sh writes beside the file)
lr_e2e_test(demo 300 SQLITE_ONLY)
lr_e2e_test(config 120 SQLITE_ONLY)
lr_e2e_test(logs 120 SQLITE_ONLY)
# Type=notify readiness and the watchdog (sd_notify), on both backends
lr_e2e_test(systemd 120)
# make install into a throw-away root; make deb with dpkg -c and lintian
lr_e2e_test(install 120 SQLITE_ONLY)
lr_e2e_test(deb 300 SQLITE_ONLY)
# /metrics: promtool and a real prometheus
lr_e2e_test(metrics 180)
# loginrec backup under concurrent ingest, restore; PostgreSQL: pg_dump, pg_restore
lr_e2e_test(backup 300)
# purge: the 5-year refusal, the archive, retention
lr_e2e_test(purge 180)
# the events behind each punch, the hash chain, verify, the signed digest
lr_e2e_test(evidence 180)
# a full disk (tmpfs) under the database and under the key
lr_e2e_test(disk_full 180 SQLITE_ONLY)
lr_e2e_test(lanscope 300)
# loginrec-agent.exe under Wine (make windows builds it)
lr_e2e_test(wine_agent 300 SQLITE_ONLY)
lr_e2e_test(malion 300)
lr_e2e_test(pc_logs 300)
lr_e2e_test(ui_security 300)
lr_e2e_test(ui_settings 300)
lr_e2e_test(ui_links 300)
lr_e2e_test(ui_users 300)
lr_e2e_test(ui_logs 300)
lr_e2e_test(ui_daily 300)
lr_e2e_test(ui_status 300)
lr_e2e_test(ui_divisions 300)
lr_e2e_test(limits 300)
lr_e2e_test(crash 300)
lr_e2e_test(secrets 300)
# the same with loginrecd's log lines in JSON: no secret in them either
add_test(NAME e2e_secrets_json
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/secrets.sh ${CMAKE_BINARY_DIR})
set_tests_properties(e2e_secrets_json PROPERTIES LABELS e2e TIMEOUT 300
                     ENVIRONMENT LOGINREC_LOG_FORMAT=json)
lr_e2e_test(cache 300)
# several instances on one PostgreSQL database
lr_e2e_test(instances 600 PG_ONLY SERIAL)

add_test(NAME valgrind_e2e
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/valgrind.sh ${CMAKE_BINARY_DIR})
set_tests_properties(valgrind_e2e PROPERTIES LABELS valgrind TIMEOUT 900)

add_test(NAME lint_banned_functions
         COMMAND sh ${CMAKE_SOURCE_DIR}/scripts/lint-banned.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(lint_banned_functions PROPERTIES LABELS lint)

# tests/browser/NAME.sh: the admin UI in headless Chromium (label browser);
# screenshots in BUILD/screenshots/.
add_test(NAME browser_admin_ui
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/browser/admin_ui.sh ${CMAKE_BINARY_DIR})
set_tests_properties(browser_admin_ui PROPERTIES LABELS browser TIMEOUT 300)
