<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <source>No server chosen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &apos;%1&apos; is not running; start it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &apos;%1&apos; has no db_address to connect to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; at position %2 is not a hex digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Odd number of hex digits: the last byte is incomplete.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::CacheKeyModel</name>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::CachePanel</name>
    <message>
        <source>Whose cache to inspect (a worker&apos;s cache is its master&apos;s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty: the server picks a fresh uuid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>He&amp;x</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store the value under the key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the key from the cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ser&amp;ver:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show as:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Value:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key to delete: pick one in the list or type it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>list the keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>get a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delete a key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The value is not valid hex: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &apos;%1&apos; is not running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n key(s).</source>
        <translation>
            <numerusform>%n key.</numerusform>
            <numerusform>%n keys.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n byte(s).</source>
        <translation>
            <numerusform>%1: %n byte.</numerusform>
            <numerusform>%1: %n bytes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stored %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not valid hex</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>; not UTF-8: switch to hex to see and keep the exact bytes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ClientPanel</name>
    <message>
        <source>The server the messages are pushed to (a Server or a Master).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whose PUB the replies come from. Auto: the server named by the last function entry (the end of a pipeline), else the target server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server.method [next.method ...]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The function to call; several space-separated entries form a pipeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload sent with each message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hex</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the payload as hex bytes (e.g. 00 ff 10).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages sent by Job.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> msg/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as fast as possible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages per second sent by Job; 0 sends as fast as possible.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replies expected per message (a scatter may give several); 0 waits for none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long to wait for each reply before giving up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Eval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send one message and wait for its replies.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream Count messages at the chosen rate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replies/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replies fro&amp;m:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ser&amp;ver:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Function:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Payload:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ount:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replies/m&amp;sg:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Timeout:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping: waiting for the replies of messages already sent...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A job is already running; stop it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No function given: enter server.method (several separated by spaces for a pipeline).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The payload is not valid hex: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &apos;%1&apos; (replies from) is not running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Eval of %1 on %2...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job of %1 x %2 on %3...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped after %1 messages, %2 replies in %3 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: %1 messages, %2 replies in %3 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent %1, received %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency p50 %1 ms, p99 %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency -</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 replies/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ClientWorker</name>
    <message>
        <source>No server chosen, or the server has no db_address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot connect to server &apos;%1&apos; at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No function given: enter server.method (several separated by spaces for a pipeline).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message count must be at least 1 (got %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The rate must be 0 (as fast as possible) or more (got %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replies per message must be 0 or more (got %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Eval of &apos;%1&apos; failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job on &apos;%1&apos; failed after %2 of %3 messages sent, %4 replies: %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing the keys of &apos;%1&apos; failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Getting key &apos;%1&apos; from &apos;%2&apos; failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting key &apos;%1&apos; on &apos;%2&apos; failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting key &apos;%1&apos; on &apos;%2&apos; failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ClusterModel</name>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 in %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not start: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to %1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in %1, out %2, errors %3, malformed %4, dropped %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
to workers %1, from workers %2, in flight %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages received per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages published (workers: sent back) per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User errors, unknown functions and malformed input since start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click to change the level while the server runs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ClusterPanel</name>
    <message>
        <source>%1: not started, its master %2 is not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Temporary Log Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 for %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep Current Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Only This Server&apos;s &amp;Log</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ErrorInbox</name>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget every error group</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> in %n group(s)</source>
        <translation>
            <numerusform> in %n group</numerusform>
            <numerusform> in %n groups</numerusform>
        </translation>
    </message>
    <message>
        <source>No errors</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ErrorInboxModel</name>
    <message>
        <source> +%1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::LogModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::LogView</name>
    <message numerus="yes">
        <source>(%n more line(s) in the pane below)</source>
        <translation>
            <numerusform>(%n more line in the pane below)</numerusform>
            <numerusform>(%n more lines in the pane below)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qpalm::LogViewer</name>
    <message>
        <source>Regular expression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Match case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the newest record in view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Freeze the list; records keep arriving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Servers shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimum level shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shows records whose message or traceback contains this text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop every record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the records shown as .log, .csv or .jsonl</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export the log to &quot;%1&quot;: another export is running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n server(s)</source>
        <translation>
            <numerusform>%n server</numerusform>
            <numerusform>%n servers</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 shown of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (paused)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keeps the newest %1 records</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::MainWindow</name>
    <message>
        <source>Messages per second clients send to the cluster, and its last stages publish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User errors, unknown functions and malformed messages counted by the servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: log level back to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reloaded %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not reloaded: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topology</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New C&amp;luster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New Server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit Server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start &amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>St&amp;op All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;Replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove Re&amp;plica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Server&apos;s S&amp;cript</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;All Logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About qpalm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About qpalm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;qpalm %1&lt;/h3&gt;&lt;p&gt;Desktop cluster manager and native engine for PALM (pylm) message clusters.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a replica of the selected worker (Ctrl++)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected worker&apos;s last replica (Ctrl+-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the selected servers (Ctrl+F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the selected servers (Ctrl+Shift+F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed to start: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot Open Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot Save Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster files (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Cluster As</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot Add Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot Change Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove Servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1 from the cluster? Running servers are stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: 1 replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Showing every server&apos;s log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Showing %1&apos;s log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot Open Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start %1 servers; the Cluster panel says why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Servers: %1/%2 running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In: %1 msg/s  Out: %2 msg/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved Changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cluster has unsaved changes. Save them?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Servers are running. Stop them and quit?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the servers when a cluster file is opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask before quitting while servers run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long &quot;Debug for a while&quot; keeps a server at DEBUG before restoring its level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temporary level lasts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The log viewer keeps this many records; the oldest go first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log viewer keeps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show message rates on topology edges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent files listed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset Window Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put every panel back where it was at first start (on OK)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ReplyListModel</name>
    <message>
        <source>Reply #%1, %2 bytes
%3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ScriptEditor</name>
    <message>
        <source>&amp;Save Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the script (Ctrl+S in the editor)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and hot-reload into every running server that uses this script (Ctrl+Return in the editor); on error they keep the old script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Revert Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop the edits and reload the file from disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has unsaved changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid UTF-8; saving it will replace the bad bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file name given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: no such file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved Scripts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some scripts have unsaved changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No script is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1; no running server uses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An Apply of %1 is still under way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply of %1 failed; the old script keeps running.
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reloaded on: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied %1 to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the reload failed without a reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: stopped before the reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reverted %1 to the file on disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 changed on disk; Revert loads that version, Save overwrites it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No running server uses this script.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used by: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ServerChooser</name>
    <message>
        <source> - not running</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::ServerDialog</name>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pylm server kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unique name; clients call NAME.function, workers are named NAME-1, NAME-2, ...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;DB address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>REP socket of the cache; workers and clients connect here to configure themselves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ull address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PULL socket receiving from clients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sub address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publisher this server subscribes to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub a&amp;ddresses:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publishers this sink subscribes to, separated by commas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topic(s) to subscribe to: the previous stage&apos;s name (a sink: one per sub address)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;revious:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ub address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PUB socket results are published on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker pus&amp;h address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PUSH socket sending work to workers (a worker: read from the master&apos;s cache when empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker pu&amp;ll address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PULL socket receiving results from workers (a worker: read from the master&apos;s cache when empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish under this server&apos;s name for the next stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipelined:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish to the client (else to the next stage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To client:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many copies of this worker run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R&amp;eplicas:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log level:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lua script with the handlers (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a Lua script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;cript:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose Script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lua scripts (*.lua);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Suggest Ports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill empty addresses this server binds with free local ports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tcp://127.0.0.1:5561, tcp://127.0.0.1:5571</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tcp://127.0.0.1:5555</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>▾</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a free port or another server&apos;s address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>topics, one per sub address: stage_a, stage_b</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name of the previous stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from the master&apos;s cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tcp://127.0.0.1:5557</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tcp://127.0.0.1:5558</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the master&apos;s db_address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tcp://127.0.0.1:5559</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit Server %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;name&apos;: a server needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;script&apos;: no such file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free local port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any free port when started (tcp://127.0.0.1:*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1&apos;s %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No suggestion</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::TopologyView</name>
    <message>
        <source>Click a server to show only its log; click the background to show every log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>clients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
in %1, out %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>external</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clients sending to the cluster</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpalm::TracebackView</name>
    <message numerus="yes">
        <source>(%n more line(s) not shown)</source>
        <translation>
            <numerusform>(%n more line not shown)</numerusform>
            <numerusform>(%n more lines not shown)</numerusform>
        </translation>
    </message>
    <message>
        <source>Open %1 at line %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
