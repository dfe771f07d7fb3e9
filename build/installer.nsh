; Burrow's additions to electron-builder's NSIS installer (nsis.include in electron-builder.yml):
; put <install dir>\resources\bin (burrow.cmd, the `burrow` command) on the user's PATH, and take it
; off again on uninstall. Per-user install, so HKCU\Environment; new terminals see the change.
!include "LogicLib.nsh"
!include "WinMessages.nsh"
!include "StrFunc.nsh"
!ifndef BUILD_UNINSTALLER
  ${StrStr}
!else
  ${UnStrRep}
!endif

!define BURROW_BIN "$INSTDIR\resources\bin"

!macro customInstall
  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $2 $0
  ; NSIS strings are limited: a PATH that long may have been cut when read, and must not be written back.
  IntOp $3 ${NSIS_MAX_STRLEN} - 300
  ${If} $2 > $3
    DetailPrint "PATH is too long to edit safely: add ${BURROW_BIN} to it yourself for the burrow command"
  ${Else}
    ${StrStr} $1 ";$0;" ";${BURROW_BIN};"
    ${If} $1 == ""
      ${If} $0 == ""
        WriteRegExpandStr HKCU "Environment" "Path" "${BURROW_BIN}"
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" "$0;${BURROW_BIN}"
      ${EndIf}
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=500
    ${EndIf}
  ${EndIf}
!macroend

!macro customUnInstall
  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $2 $0
  IntOp $3 ${NSIS_MAX_STRLEN} - 300
  ${If} $2 <= $3
  ${AndIf} $0 != ""
    ${UnStrRep} $1 ";$0;" ";${BURROW_BIN};" ";"
    ; Drop the ';' added at both ends above.
    StrCpy $1 $1 "" 1
    StrCpy $1 $1 -1
    ${If} $1 != $0
      WriteRegExpandStr HKCU "Environment" "Path" $1
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=500
    ${EndIf}
  ${EndIf}
!macroend
