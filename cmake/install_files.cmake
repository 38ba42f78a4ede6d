# Run by cmake --install (cmake/install.cmake): the files that name where
# things were installed. CMAKE_INSTALL_PREFIX is the install's (--prefix);
# file(INSTALL) adds $ENV{DESTDIR}.
set(BINDIR ${CMAKE_INSTALL_PREFIX}/bin)
set(DOCDIR ${CMAKE_INSTALL_PREFIX}/share/doc/loginrec)
set(STATEDIR ${LR_STATE_DIR})
set(out ${LR_BINARY_DIR}/install-files)
file(MAKE_DIRECTORY ${out})

foreach(unit loginrecd.service loginrec-agent.service)
  configure_file(${LR_SOURCE_DIR}/etc/systemd/${unit}.in ${out}/${unit} @ONLY)
  file(INSTALL ${out}/${unit} DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/system
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()
configure_file(${LR_SOURCE_DIR}/etc/systemd/loginrec.sysusers ${out}/loginrec.conf @ONLY)
file(INSTALL ${out}/loginrec.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# /etc/loginrec/loginrecd.conf: the example with every setting at its
# default, but the database in the state folder. An existing one is the
# administrator's: kept.
file(READ ${LR_SOURCE_DIR}/etc/loginrecd.conf conf)
string(REPLACE "\n#db = var/loginrec.db\n" "\ndb = ${STATEDIR}/loginrec.db\n" conf "${conf}")
if(NOT conf MATCHES "\ndb = ${STATEDIR}/loginrec.db\n")
  message(FATAL_ERROR "etc/loginrecd.conf has no '#db = var/loginrec.db' line to set")
endif()
file(WRITE ${out}/loginrecd.conf "${conf}")
if(EXISTS "$ENV{DESTDIR}/etc/loginrec/loginrecd.conf")
  message(STATUS "Keeping: $ENV{DESTDIR}/etc/loginrec/loginrecd.conf (the new one: ${out}/loginrecd.conf)")
else()
  file(INSTALL ${out}/loginrecd.conf DESTINATION /etc/loginrec
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
endif()

# Installed into this machine (no DESTDIR) as root: the users, the
# settings file readable by the service, systemd told.
if("$ENV{DESTDIR}" STREQUAL "")
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(uid STREQUAL "0")
    execute_process(COMMAND systemd-sysusers ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d/loginrec.conf)
    execute_process(COMMAND chgrp loginrec /etc/loginrec/loginrecd.conf)
    execute_process(COMMAND install -d -o loginrec -g loginrec -m 0750 ${STATEDIR})
    if(EXISTS /run/systemd/system)
      execute_process(COMMAND systemctl daemon-reload)
    endif()
    message(STATUS "loginrec installed: sudo -u loginrec ${BINDIR}/loginrec init; "
                   "systemctl enable --now loginrecd (man loginrecd)")
  endif()
endif()
