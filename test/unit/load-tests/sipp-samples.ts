/**
 * Samples captured from the real SIPp v3.6.1 (Debian sip-tester) running this project's
 * own scenarios (load-tests/scenarios/*.xml) on loopback: our output, embedded so that the
 * parsers are tested against what sipp actually writes.
 */

/** uac stat file (-trace_stat -fd 1): 40 calls at 20 cps, all successful. */
export const UAC_STAT_CSV = [
  "StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;CallRate(P);CallRate(C);IncomingCall(P);IncomingCall(C);OutgoingCall(P);OutgoingCall(C);TotalCallCreated;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);FailedCannotSendMessage(P);FailedCannotSendMessage(C);FailedMaxUDPRetrans(P);FailedMaxUDPRetrans(C);FailedTcpConnect(P);FailedTcpConnect(C);FailedTcpClosed(P);FailedTcpClosed(C);FailedUnexpectedMessage(P);FailedUnexpectedMessage(C);FailedCallRejected(P);FailedCallRejected(C);FailedCmdNotSent(P);FailedCmdNotSent(C);FailedRegexpDoesntMatch(P);FailedRegexpDoesntMatch(C);FailedRegexpShouldntMatch(P);FailedRegexpShouldntMatch(C);FailedRegexpHdrNotFound(P);FailedRegexpHdrNotFound(C);FailedOutboundCongestion(P);FailedOutboundCongestion(C);FailedTimeoutOnRecv(P);FailedTimeoutOnRecv(C);FailedTimeoutOnSend(P);FailedTimeoutOnSend(C);FailedTestDoesntMatch(P);FailedTestDoesntMatch(C);FailedTestShouldntMatch(P);FailedTestShouldntMatch(C);FailedStrcmpDoesntMatch(P);FailedStrcmpDoesntMatch(C);FailedStrcmpShouldntMatch(P);FailedStrcmpShouldntMatch(C);OutOfCallMsgs(P);OutOfCallMsgs(C);DeadCallMsgs(P);DeadCallMsgs(C);Retransmissions(P);Retransmissions(C);AutoAnswered(P);AutoAnswered(C);Warnings(P);Warnings(C);FatalErrors(P);FatalErrors(C);WatchdogMajor(P);WatchdogMajor(C);WatchdogMinor(P);WatchdogMinor(C);ResponseTime1(P);ResponseTime1(C);ResponseTime1StDev(P);ResponseTime1StDev(C);CallLength(P);CallLength(C);CallLengthStDev(P);CallLengthStDev(C);ResponseTimeRepartition1;ResponseTimeRepartition1_<5;ResponseTimeRepartition1_<10;ResponseTimeRepartition1_<20;ResponseTimeRepartition1_<50;ResponseTimeRepartition1_<100;ResponseTimeRepartition1_<200;ResponseTimeRepartition1_<500;ResponseTimeRepartition1_<1000;ResponseTimeRepartition1_>=1000;CallLengthRepartition;CallLengthRepartition_<10;CallLengthRepartition_<50;CallLengthRepartition_<100;CallLengthRepartition_<500;CallLengthRepartition_<1000;CallLengthRepartition_<5000;CallLengthRepartition_<10000;CallLengthRepartition_>=10000;",
  "2026-11-22\t05:20:07.563519\t1795324807.563519;2026-11-22\t05:20:07.563519\t1795324807.563519;2026-11-22\t05:20:07.563944\t1795324807.563944;00:00:00;00:00:00;20;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;;0;0;0;0;0;0;0;0;0;;0;0;0;0;0;0;0;0;",
  "2026-11-22\t05:20:07.563519\t1795324807.563519;2026-11-22\t05:20:07.564190\t1795324807.564190;2026-11-22\t05:20:08.566055\t1795324808.566055;00:00:01;00:00:01;20;18.981;18.9621;0;0;19;19;19;2;17;17;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:001000;00:00:00:001000;00:00:00:107000;00:00:00:107000;00:00:00:001000;00:00:00:001000;;19;0;0;0;0;0;0;0;0;;0;0;0;17;0;0;0;0;",
  "2026-11-22\t05:20:07.563519\t1795324807.563519;2026-11-22\t05:20:08.566142\t1795324808.566142;2026-11-22\t05:20:09.569311\t1795324809.569311;00:00:01;00:00:02;20;20.9372;19.9501;0;0;21;40;40;3;20;37;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:001000;00:00:00:001000;00:00:00:107000;00:00:00:107000;00:00:00:002000;00:00:00:001000;;40;0;0;0;0;0;0;0;0;;0;0;0;37;0;0;0;0;",
  "2026-11-22\t05:20:07.563519\t1795324807.563519;2026-11-22\t05:20:09.569404\t1795324809.569404;2026-11-22\t05:20:09.675364\t1795324809.675364;00:00:00;00:00:02;20;0;18.9484;0;0;0;40;40;0;3;40;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:001000;00:00:00:108000;00:00:00:107000;00:00:00:004000;00:00:00:002000;;40;0;0;0;0;0;0;0;0;;0;0;0;40;0;0;0;0;",
  "2026-11-22\t05:20:07.563519\t1795324807.563519;2026-11-22\t05:20:09.675451\t1795324809.675451;2026-11-22\t05:20:09.675519\t1795324809.675519;00:00:00;00:00:02;20;0;18.9394;0;0;0;40;40;0;0;40;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:001000;00:00:00:000000;00:00:00:107000;00:00:00:000000;00:00:00:002000;;40;0;0;0;0;0;0;0;0;;0;0;0;40;0;0;0;0;",
].join('\n') + '\n';

/** Last row of a run whose INVITEs went to a closed port: 10 calls, all failed on receive timeout. */
export const UAC_STAT_FAILED_ROW = "2026-11-22\t05:15:56.058474\t1795324556.058474;2026-11-22\t05:16:18.066931\t1795324578.066931;2026-11-22\t05:16:18.067036\t1795324578.067036;00:00:00;00:00:22;5;0;0.45438;0;0;0;10;10;0;0;0;0;10;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;10;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;50;0;0;0;10;0;0;0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:20:004000;00:00:00:000000;00:00:00:001000;;0;0;0;0;0;0;0;0;0;;0;0;0;0;0;0;0;10;";

/** Start of the RTT trace (-trace_rtt -rtt_freq 1) of the same successful run, and its last lines. */
export const UAC_RTT_CSV = [
  "Date_ms;response_time_ms;rtd_no",
  "52.001;0;1",
  "104.001;0;1",
  "156.001;4;1",
  "204.001;0;1",
  "252.001;0;1",
  "1952;0;1",
  "2004;0;1",
].join('\n') + '\n';

