
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'liqoctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'liqoctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'liqoctl' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Provider side: grant a cordoned or drained consumer resources again')
            [CompletionResult]::new('authenticate', 'authenticate', [CompletionResultType]::ParameterValue, 'Authenticate with a provider cluster (local = consumer, remote = provider)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('cordon', 'cordon', [CompletionResultType]::ParameterValue, 'Provider side: stop granting new resources to a consumer (Tenant or ResourceSlice)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create Liqo objects (out-of-band authentication, resource slices, virtual nodes)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete Liqo objects')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Provider side: revoke every resource granted to a consumer')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate objects to apply in another cluster')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print Liqo data')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the local Liqo installation and its peerings')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install or upgrade Liqo in the selected cluster')
            [CompletionResult]::new('network', 'network', [CompletionResultType]::ParameterValue, 'Manage the network between two clusters')
            [CompletionResult]::new('offload', 'offload', [CompletionResultType]::ParameterValue, 'Offload namespaces to the providers (consumer side)')
            [CompletionResult]::new('peer', 'peer', [CompletionResultType]::ParameterValue, 'Peer with a provider cluster: network, authentication, resource slice and virtual node (local = consumer, remote = provider)')
            [CompletionResult]::new('unauthenticate', 'unauthenticate', [CompletionResultType]::ParameterValue, 'Remove the authentication with a provider cluster')
            [CompletionResult]::new('unpeer', 'unpeer', [CompletionResultType]::ParameterValue, 'Tear down the peering with a provider cluster (local = consumer, remote = provider)')
            [CompletionResult]::new('uncordon', 'uncordon', [CompletionResultType]::ParameterValue, 'Provider side: undo a cordon')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Uninstall Liqo from the selected cluster')
            [CompletionResult]::new('unoffload', 'unoffload', [CompletionResultType]::ParameterValue, 'Stop offloading namespaces (consumer side)')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client and server versions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;activate' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Activate a consumer''s Tenant (Cordoned or Drained → Active)')
            [CompletionResult]::new('tenants', 'tenants', [CompletionResultType]::ParameterValue, 'Activate a consumer''s Tenant (Cordoned or Drained → Active)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;activate;tenant' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;activate;tenants' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;activate;help' {
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Activate a consumer''s Tenant (Cordoned or Drained → Active)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;activate;help;tenant' {
            break
        }
        'liqoctl;activate;help;help' {
            break
        }
        'liqoctl;authenticate' {
            [CompletionResult]::new('--proxy-url', '--proxy-url', [CompletionResultType]::ParameterName, 'Proxy URL the consumer reaches the provider''s API server through')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole authentication')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The remote Liqo namespace')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--in-band', '--in-band', [CompletionResultType]::ParameterName, 'Reach the provider''s API server through the network tunnel (its API-server proxy), unless --proxy-url is given. Needs the networking module connected')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;cordon' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Cordon one of a consumer''s ResourceSlices: no new pods through it')
            [CompletionResult]::new('resourceslices', 'resourceslices', [CompletionResultType]::ParameterValue, 'Cordon one of a consumer''s ResourceSlices: no new pods through it')
            [CompletionResult]::new('rs', 'rs', [CompletionResultType]::ParameterValue, 'Cordon one of a consumer''s ResourceSlices: no new pods through it')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Cordon a consumer''s Tenant (Active → Cordoned): no new slices are granted')
            [CompletionResult]::new('tenants', 'tenants', [CompletionResultType]::ParameterValue, 'Cordon a consumer''s Tenant (Active → Cordoned): no new slices are granted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;cordon;resourceslice' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;cordon;resourceslices' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;cordon;rs' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;cordon;tenant' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;cordon;tenants' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;cordon;help' {
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Cordon one of a consumer''s ResourceSlices: no new pods through it')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Cordon a consumer''s Tenant (Active → Cordoned): no new slices are granted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;cordon;help;resourceslice' {
            break
        }
        'liqoctl;cordon;help;tenant' {
            break
        }
        'liqoctl;cordon;help;help' {
            break
        }
        'liqoctl;create' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('nonce', 'nonce', [CompletionResultType]::ParameterValue, 'Provider side: create the nonce a consumer must sign (out-of-band authentication)')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated')
            [CompletionResult]::new('rs', 'rs', [CompletionResultType]::ParameterValue, 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated')
            [CompletionResult]::new('resourceslices', 'resourceslices', [CompletionResultType]::ParameterValue, 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated')
            [CompletionResult]::new('virtualnode', 'virtualnode', [CompletionResultType]::ParameterValue, 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready')
            [CompletionResult]::new('vn', 'vn', [CompletionResultType]::ParameterValue, 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;create;nonce' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The Liqo namespace')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the tenant Namespace and nonce Secret that would be applied, and apply nothing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the tenant Namespace and nonce Secret that would be applied, and apply nothing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the nonce creator')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;create;resourceslice' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'The slice class: only the built-in `default` is served')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU requested (e.g. 4, 500m); the provider''s default when unset')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory requested (e.g. 8Gi); the provider''s default when unset')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Pods requested (a whole number); the provider''s default when unset')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Other resources, as name=quantity; repeat the flag or separate with commas (e.g. --resource nvidia.com/gpu=1,ephemeral-storage=20Gi)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the ResourceSlice that would be applied, and apply nothing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the ResourceSlice that would be applied, and apply nothing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the provider to authenticate the slice')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--no-virtual-node', '--no-virtual-node', [CompletionResultType]::ParameterName, 'Do not make a virtual node for the slice once it is accepted')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;create;rs' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'The slice class: only the built-in `default` is served')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU requested (e.g. 4, 500m); the provider''s default when unset')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory requested (e.g. 8Gi); the provider''s default when unset')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Pods requested (a whole number); the provider''s default when unset')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Other resources, as name=quantity; repeat the flag or separate with commas (e.g. --resource nvidia.com/gpu=1,ephemeral-storage=20Gi)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the ResourceSlice that would be applied, and apply nothing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the ResourceSlice that would be applied, and apply nothing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the provider to authenticate the slice')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--no-virtual-node', '--no-virtual-node', [CompletionResultType]::ParameterName, 'Do not make a virtual node for the slice once it is accepted')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;create;resourceslices' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'The slice class: only the built-in `default` is served')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU requested (e.g. 4, 500m); the provider''s default when unset')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory requested (e.g. 8Gi); the provider''s default when unset')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Pods requested (a whole number); the provider''s default when unset')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Other resources, as name=quantity; repeat the flag or separate with commas (e.g. --resource nvidia.com/gpu=1,ephemeral-storage=20Gi)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the ResourceSlice that would be applied, and apply nothing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the ResourceSlice that would be applied, and apply nothing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the provider to authenticate the slice')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--no-virtual-node', '--no-virtual-node', [CompletionResultType]::ParameterName, 'Do not make a virtual node for the slice once it is accepted')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;create;virtualnode' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID')
            [CompletionResult]::new('--kubeconfig-secret-name', '--kubeconfig-secret-name', [CompletionResultType]::ParameterName, 'A Secret in the tenant namespace holding a kubeconfig (key `kubeconfig`) for the provider')
            [CompletionResult]::new('--resource-slice-name', '--resource-slice-name', [CompletionResultType]::ParameterName, 'An accepted ResourceSlice whose identity and granted resources the node uses')
            [CompletionResult]::new('--create-node', '--create-node', [CompletionResultType]::ParameterName, 'Create the Node object')
            [CompletionResult]::new('--vk-options-template', '--vk-options-template', [CompletionResultType]::ParameterName, 'The VkOptionsTemplate to use, as <namespace>/<name> (default: the installation''s)')
            [CompletionResult]::new('--runtime-class-name', '--runtime-class-name', [CompletionResultType]::ParameterName, 'The runtime class of the offloaded pods')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the node (kubeconfig-secret mode)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the node (kubeconfig-secret mode)')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Pods of the node (kubeconfig-secret mode)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Other resources of the node, as name=quantity, repeatable or comma separated, e.g. --resource nvidia.com/gpu=1 (kubeconfig-secret mode)')
            [CompletionResult]::new('--storage-classes', '--storage-classes', [CompletionResultType]::ParameterName, 'Storage classes offered; the first is the default (kubeconfig-secret mode)')
            [CompletionResult]::new('--ingress-classes', '--ingress-classes', [CompletionResultType]::ParameterName, 'Ingress classes offered; the first is the default (kubeconfig-secret mode)')
            [CompletionResult]::new('--load-balancer-classes', '--load-balancer-classes', [CompletionResultType]::ParameterName, 'Load-balancer classes offered; the first is the default (kubeconfig-secret mode)')
            [CompletionResult]::new('--labels', '--labels', [CompletionResultType]::ParameterName, 'Labels of the Node, as k=v (kubeconfig-secret mode)')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Node selector of the offloaded pods, as k=v (kubeconfig-secret mode)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the VirtualNode that would be applied, and apply nothing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the VirtualNode that would be applied, and apply nothing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the Node to be Ready')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--disable-network-check', '--disable-network-check', [CompletionResultType]::ParameterName, 'Do not make the Node''s readiness depend on the network with the provider')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;create;vn' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID')
            [CompletionResult]::new('--kubeconfig-secret-name', '--kubeconfig-secret-name', [CompletionResultType]::ParameterName, 'A Secret in the tenant namespace holding a kubeconfig (key `kubeconfig`) for the provider')
            [CompletionResult]::new('--resource-slice-name', '--resource-slice-name', [CompletionResultType]::ParameterName, 'An accepted ResourceSlice whose identity and granted resources the node uses')
            [CompletionResult]::new('--create-node', '--create-node', [CompletionResultType]::ParameterName, 'Create the Node object')
            [CompletionResult]::new('--vk-options-template', '--vk-options-template', [CompletionResultType]::ParameterName, 'The VkOptionsTemplate to use, as <namespace>/<name> (default: the installation''s)')
            [CompletionResult]::new('--runtime-class-name', '--runtime-class-name', [CompletionResultType]::ParameterName, 'The runtime class of the offloaded pods')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU of the node (kubeconfig-secret mode)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory of the node (kubeconfig-secret mode)')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Pods of the node (kubeconfig-secret mode)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Other resources of the node, as name=quantity, repeatable or comma separated, e.g. --resource nvidia.com/gpu=1 (kubeconfig-secret mode)')
            [CompletionResult]::new('--storage-classes', '--storage-classes', [CompletionResultType]::ParameterName, 'Storage classes offered; the first is the default (kubeconfig-secret mode)')
            [CompletionResult]::new('--ingress-classes', '--ingress-classes', [CompletionResultType]::ParameterName, 'Ingress classes offered; the first is the default (kubeconfig-secret mode)')
            [CompletionResult]::new('--load-balancer-classes', '--load-balancer-classes', [CompletionResultType]::ParameterName, 'Load-balancer classes offered; the first is the default (kubeconfig-secret mode)')
            [CompletionResult]::new('--labels', '--labels', [CompletionResultType]::ParameterName, 'Labels of the Node, as k=v (kubeconfig-secret mode)')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Node selector of the offloaded pods, as k=v (kubeconfig-secret mode)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the VirtualNode that would be applied, and apply nothing')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the VirtualNode that would be applied, and apply nothing')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the Node to be Ready')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--disable-network-check', '--disable-network-check', [CompletionResultType]::ParameterName, 'Do not make the Node''s readiness depend on the network with the provider')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;create;help' {
            [CompletionResult]::new('nonce', 'nonce', [CompletionResultType]::ParameterValue, 'Provider side: create the nonce a consumer must sign (out-of-band authentication)')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated')
            [CompletionResult]::new('virtualnode', 'virtualnode', [CompletionResultType]::ParameterValue, 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;create;help;nonce' {
            break
        }
        'liqoctl;create;help;resourceslice' {
            break
        }
        'liqoctl;create;help;virtualnode' {
            break
        }
        'liqoctl;create;help;help' {
            break
        }
        'liqoctl;delete' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('peering-user', 'peering-user', [CompletionResultType]::ParameterValue, 'Provider side: remove a peering user')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Consumer side: delete a ResourceSlice (not provided upstream)')
            [CompletionResult]::new('rs', 'rs', [CompletionResultType]::ParameterValue, 'Consumer side: delete a ResourceSlice (not provided upstream)')
            [CompletionResult]::new('resourceslices', 'resourceslices', [CompletionResultType]::ParameterValue, 'Consumer side: delete a ResourceSlice (not provided upstream)')
            [CompletionResult]::new('virtualnode', 'virtualnode', [CompletionResultType]::ParameterValue, 'Consumer side: delete a VirtualNode')
            [CompletionResult]::new('vn', 'vn', [CompletionResultType]::ParameterValue, 'Consumer side: delete a VirtualNode')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;delete;peering-user' {
            [CompletionResult]::new('--consumer-cluster-id', '--consumer-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;delete;resourceslice' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity, and the provider''s replica')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;delete;rs' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity, and the provider''s replica')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;delete;resourceslices' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity, and the provider''s replica')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;delete;virtualnode' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID (whose tenant namespace holds the VirtualNode)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The VirtualNode''s namespace, instead of --remote-cluster-id')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The VirtualNode''s namespace, instead of --remote-cluster-id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the VirtualNode is gone (its Node drained and deleted)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;delete;vn' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID (whose tenant namespace holds the VirtualNode)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The VirtualNode''s namespace, instead of --remote-cluster-id')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The VirtualNode''s namespace, instead of --remote-cluster-id')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the VirtualNode is gone (its Node drained and deleted)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;delete;help' {
            [CompletionResult]::new('peering-user', 'peering-user', [CompletionResultType]::ParameterValue, 'Provider side: remove a peering user')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Consumer side: delete a ResourceSlice (not provided upstream)')
            [CompletionResult]::new('virtualnode', 'virtualnode', [CompletionResultType]::ParameterValue, 'Consumer side: delete a VirtualNode')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;delete;help;peering-user' {
            break
        }
        'liqoctl;delete;help;resourceslice' {
            break
        }
        'liqoctl;delete;help;virtualnode' {
            break
        }
        'liqoctl;delete;help;help' {
            break
        }
        'liqoctl;drain' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Drain a consumer''s Tenant (Active or Cordoned → Drained): every slice''s Resources are denied')
            [CompletionResult]::new('tenants', 'tenants', [CompletionResultType]::ParameterValue, 'Drain a consumer''s Tenant (Active or Cordoned → Drained): every slice''s Resources are denied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;drain;tenant' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;drain;tenants' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;drain;help' {
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Drain a consumer''s Tenant (Active or Cordoned → Drained): every slice''s Resources are denied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;drain;help;tenant' {
            break
        }
        'liqoctl;drain;help;help' {
            break
        }
        'liqoctl;generate' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Consumer side: sign a provider''s nonce and print the Tenant to apply there')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Provider side: print the control-plane Identity a consumer applies')
            [CompletionResult]::new('peering-user', 'peering-user', [CompletionResultType]::ParameterValue, 'Provider side: create a user a consumer can peer with, and print its kubeconfig')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;generate;tenant' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID')
            [CompletionResult]::new('--remote-tenant-namespace', '--remote-tenant-namespace', [CompletionResultType]::ParameterName, 'The provider''s tenant namespace for this cluster (set on the printed Tenant if given)')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'The nonce from `liqoctl get nonce` on the provider')
            [CompletionResult]::new('--proxy-url', '--proxy-url', [CompletionResultType]::ParameterName, 'Proxy URL to reach the provider''s API server through')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The Liqo namespace')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the wait for the nonce signer')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;generate;identity' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID')
            [CompletionResult]::new('--remote-tenant-namespace', '--remote-tenant-namespace', [CompletionResultType]::ParameterName, 'The consumer''s tenant namespace for this cluster (set on the printed Identity if given)')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The Liqo namespace')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;generate;peering-user' {
            [CompletionResult]::new('--consumer-cluster-id', '--consumer-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The Liqo namespace')
            [CompletionResult]::new('--tls-compatibility-mode', '--tls-compatibility-mode', [CompletionResultType]::ParameterName, 'Key type of the user: `true` asks for RSA-2048 (for clusters in TLS compatibility mode), `false` for Ed25519, `auto` follows the controller manager''s `--tls-compatibility-mode`')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;generate;help' {
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Consumer side: sign a provider''s nonce and print the Tenant to apply there')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Provider side: print the control-plane Identity a consumer applies')
            [CompletionResult]::new('peering-user', 'peering-user', [CompletionResultType]::ParameterValue, 'Provider side: create a user a consumer can peer with, and print its kubeconfig')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;generate;help;tenant' {
            break
        }
        'liqoctl;generate;help;identity' {
            break
        }
        'liqoctl;generate;help;peering-user' {
            break
        }
        'liqoctl;generate;help;help' {
            break
        }
        'liqoctl;get' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('nonce', 'nonce', [CompletionResultType]::ParameterValue, 'Provider side: print the nonce created for a consumer')
            [CompletionResult]::new('kubeconfig', 'kubeconfig', [CompletionResultType]::ParameterValue, 'Consumer side: print the kubeconfig of an Identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;get;nonce' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;get;kubeconfig' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID (whose tenant namespace holds the Identity)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;get;help' {
            [CompletionResult]::new('nonce', 'nonce', [CompletionResultType]::ParameterValue, 'Provider side: print the nonce created for a consumer')
            [CompletionResult]::new('kubeconfig', 'kubeconfig', [CompletionResultType]::ParameterValue, 'Consumer side: print the kubeconfig of an Identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;get;help;nonce' {
            break
        }
        'liqoctl;get;help;kubeconfig' {
            break
        }
        'liqoctl;get;help;help' {
            break
        }
        'liqoctl;info' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the data as json or yaml instead of boxes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the data as json or yaml instead of boxes')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is short for local.clusterid; with `info peer`, start with the cluster ID)')
            [CompletionResult]::new('--get', '--get', [CompletionResultType]::ParameterName, 'Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is short for local.clusterid; with `info peer`, start with the cluster ID)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('peer', 'peer', [CompletionResultType]::ParameterValue, 'Show the peerings with the given clusters (all when none): peer info, network, authentication and offloading')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;info;peer' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the data as json or yaml instead of boxes')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the data as json or yaml instead of boxes')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is short for local.clusterid; with `info peer`, start with the cluster ID)')
            [CompletionResult]::new('--get', '--get', [CompletionResultType]::ParameterName, 'Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is short for local.clusterid; with `info peer`, start with the cluster ID)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;info;help' {
            [CompletionResult]::new('peer', 'peer', [CompletionResultType]::ParameterValue, 'Show the peerings with the given clusters (all when none): peer info, network, authentication and offloading')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;info;help;peer' {
            break
        }
        'liqoctl;info;help;help' {
            break
        }
        'liqoctl;install' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to install Liqo in')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to install Liqo in')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'This cluster''s ID (a DNS label); generated when absent, immutable once installed')
            [CompletionResult]::new('--pod-cidr', '--pod-cidr', [CompletionResultType]::ParameterName, 'Pod CIDR of this cluster (repeatable)')
            [CompletionResult]::new('--service-cidr', '--service-cidr', [CompletionResultType]::ParameterName, 'Service CIDR of this cluster')
            [CompletionResult]::new('--external-cidr', '--external-cidr', [CompletionResultType]::ParameterName, 'External CIDR: where peers see this cluster''s addresses mapped')
            [CompletionResult]::new('--internal-cidr', '--internal-cidr', [CompletionResultType]::ParameterName, 'Internal CIDR of the gateway fabric')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Control-plane image (default: this release''s image)')
            [CompletionResult]::new('--api-server-url', '--api-server-url', [CompletionResultType]::ParameterName, 'API server URL consumers reach this cluster at (default: the kubeconfig''s server)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole installation (a Go duration: 90s, 10m, 1h; at most 8760h)')
            [CompletionResult]::new('--default-node-resources', '--default-node-resources', [CompletionResultType]::ParameterName, 'Resources a ResourceSlice gets for keys it does not request, as k=v pairs separated by commas (default: cpu=4,memory=8Gi,pods=110,ephemeral-storage=20Gi)')
            [CompletionResult]::new('--default-resource-slice-class-enabled', '--default-resource-slice-class-enabled', [CompletionResultType]::ParameterName, 'Serve ResourceSlices of the built-in class (`default`)')
            [CompletionResult]::new('--ingress-classes', '--ingress-classes', [CompletionResultType]::ParameterName, 'Ingress classes offered to consumers, separated by commas (the first is the default)')
            [CompletionResult]::new('--load-balancer-classes', '--load-balancer-classes', [CompletionResultType]::ParameterName, 'Load-balancer classes offered to consumers, separated by commas (the first is the default)')
            [CompletionResult]::new('--cluster-labels', '--cluster-labels', [CompletionResultType]::ParameterName, 'Labels of this cluster, given to the virtual nodes of its consumers (k=v pairs separated by commas)')
            [CompletionResult]::new('--real-storage-class-name', '--real-storage-class-name', [CompletionResultType]::ParameterName, 'The storage class offered as the default (default: the cluster''s default class)')
            [CompletionResult]::new('--default-limits-enforcement', '--default-limits-enforcement', [CompletionResultType]::ParameterName, 'limitsEnforcement of the Quotas created for consumers: Hard, Soft or None')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--tls-compatibility-mode', '--tls-compatibility-mode', [CompletionResultType]::ParameterName, 'Generate an RSA-2048 cluster key instead of Ed25519 (for API servers or clients that cannot use Ed25519). Like upstream''s flag, it applies to a newly created key only')
            [CompletionResult]::new('--enable-storage', '--enable-storage', [CompletionResultType]::ParameterName, 'Let consumers use this cluster''s storage classes')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the manifests instead of applying them')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;network' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Exchange the network configurations, then create the gateway server (remote) and client (local) and share their keys')
            [CompletionResult]::new('disconnect', 'disconnect', [CompletionResultType]::ParameterValue, 'Delete the gateways of both clusters, keeping the network configurations')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Delete the gateways and the network configurations of both clusters')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;network;connect' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl''s meaning of -n on network)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl''s meaning of -n on network)')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the remote cluster (default: the tenant namespace of the local cluster); not the remote Liqo namespace')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in, in the local cluster (what -n means on other commands)')
            [CompletionResult]::new('--remote-liqo-namespace', '--remote-liqo-namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in, in the remote cluster')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h)')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--gw-server-type', '--gw-server-type', [CompletionResultType]::ParameterName, 'Resource of the server template kind (group/version/resource)')
            [CompletionResult]::new('--gw-server-template-name', '--gw-server-template-name', [CompletionResultType]::ParameterName, 'Name of the server template')
            [CompletionResult]::new('--gw-server-template-namespace', '--gw-server-template-namespace', [CompletionResultType]::ParameterName, 'Namespace of the server template (default: the remote Liqo namespace)')
            [CompletionResult]::new('--gw-server-service-type', '--gw-server-service-type', [CompletionResultType]::ParameterName, 'Service type of the gateway server')
            [CompletionResult]::new('--gw-server-service-port', '--gw-server-service-port', [CompletionResultType]::ParameterName, 'UDP port of the gateway server Service')
            [CompletionResult]::new('--gw-server-service-nodeport', '--gw-server-service-nodeport', [CompletionResultType]::ParameterName, 'Fixed node port of the gateway server Service (0: Kubernetes chooses)')
            [CompletionResult]::new('--gw-server-service-loadbalancerip', '--gw-server-service-loadbalancerip', [CompletionResultType]::ParameterName, 'Fixed load-balancer IP of the gateway server Service')
            [CompletionResult]::new('--gw-client-type', '--gw-client-type', [CompletionResultType]::ParameterName, 'Resource of the client template kind (group/version/resource)')
            [CompletionResult]::new('--gw-client-template-name', '--gw-client-template-name', [CompletionResultType]::ParameterName, 'Name of the client template')
            [CompletionResult]::new('--gw-client-template-namespace', '--gw-client-template-namespace', [CompletionResultType]::ParameterName, 'Namespace of the client template (default: the local Liqo namespace)')
            [CompletionResult]::new('--gw-client-address', '--gw-client-address', [CompletionResultType]::ParameterName, 'Address the client dials instead of the server''s (e.g. behind NAT)')
            [CompletionResult]::new('--gw-client-port', '--gw-client-port', [CompletionResultType]::ParameterName, 'Port the client dials instead of the server''s (0: the server''s)')
            [CompletionResult]::new('--mtu', '--mtu', [CompletionResultType]::ParameterName, 'Tunnel MTU (must be equal on both sides)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'connect: wait for the Connections to be established; disconnect/reset: wait until the deleted objects are gone')
            [CompletionResult]::new('--skip-validation', '--skip-validation', [CompletionResultType]::ParameterName, 'Skip the gateway template checks')
            [CompletionResult]::new('--disable-sharing-keys', '--disable-sharing-keys', [CompletionResultType]::ParameterName, 'Do not exchange the gateways'' public keys')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;network;disconnect' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl''s meaning of -n on network)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl''s meaning of -n on network)')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the remote cluster (default: the tenant namespace of the local cluster); not the remote Liqo namespace')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in, in the local cluster (what -n means on other commands)')
            [CompletionResult]::new('--remote-liqo-namespace', '--remote-liqo-namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in, in the remote cluster')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h)')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'connect: wait for the Connections to be established; disconnect/reset: wait until the deleted objects are gone')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;network;reset' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl''s meaning of -n on network)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl''s meaning of -n on network)')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The TENANT namespace holding the network objects in the remote cluster (default: the tenant namespace of the local cluster); not the remote Liqo namespace')
            [CompletionResult]::new('--liqo-namespace', '--liqo-namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in, in the local cluster (what -n means on other commands)')
            [CompletionResult]::new('--remote-liqo-namespace', '--remote-liqo-namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in, in the remote cluster')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h)')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'connect: wait for the Connections to be established; disconnect/reset: wait until the deleted objects are gone')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;network;help' {
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Exchange the network configurations, then create the gateway server (remote) and client (local) and share their keys')
            [CompletionResult]::new('disconnect', 'disconnect', [CompletionResultType]::ParameterValue, 'Delete the gateways of both clusters, keeping the network configurations')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Delete the gateways and the network configurations of both clusters')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;network;help;connect' {
            break
        }
        'liqoctl;network;help;disconnect' {
            break
        }
        'liqoctl;network;help;reset' {
            break
        }
        'liqoctl;network;help;help' {
            break
        }
        'liqoctl;offload' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Offload namespaces: their pods may run in the selected providers')
            [CompletionResult]::new('ns', 'ns', [CompletionResultType]::ParameterValue, 'Offload namespaces: their pods may run in the selected providers')
            [CompletionResult]::new('namespaces', 'namespaces', [CompletionResultType]::ParameterValue, 'Offload namespaces: their pods may run in the selected providers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;offload;namespace' {
            [CompletionResult]::new('--namespace-mapping-strategy', '--namespace-mapping-strategy', [CompletionResultType]::ParameterName, 'How the remote namespaces are named (immutable once offloaded)')
            [CompletionResult]::new('--remote-namespace-name', '--remote-namespace-name', [CompletionResultType]::ParameterName, 'The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and required then')
            [CompletionResult]::new('--pod-offloading-strategy', '--pod-offloading-strategy', [CompletionResultType]::ParameterName, 'Where the pods of the namespaces may run')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Selects the target clusters by the labels of their virtual nodes, in label-selector syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects every cluster')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the offloading has a final phase')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;offload;ns' {
            [CompletionResult]::new('--namespace-mapping-strategy', '--namespace-mapping-strategy', [CompletionResultType]::ParameterName, 'How the remote namespaces are named (immutable once offloaded)')
            [CompletionResult]::new('--remote-namespace-name', '--remote-namespace-name', [CompletionResultType]::ParameterName, 'The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and required then')
            [CompletionResult]::new('--pod-offloading-strategy', '--pod-offloading-strategy', [CompletionResultType]::ParameterName, 'Where the pods of the namespaces may run')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Selects the target clusters by the labels of their virtual nodes, in label-selector syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects every cluster')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the offloading has a final phase')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;offload;namespaces' {
            [CompletionResult]::new('--namespace-mapping-strategy', '--namespace-mapping-strategy', [CompletionResultType]::ParameterName, 'How the remote namespaces are named (immutable once offloaded)')
            [CompletionResult]::new('--remote-namespace-name', '--remote-namespace-name', [CompletionResultType]::ParameterName, 'The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and required then')
            [CompletionResult]::new('--pod-offloading-strategy', '--pod-offloading-strategy', [CompletionResultType]::ParameterName, 'Where the pods of the namespaces may run')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Selects the target clusters by the labels of their virtual nodes, in label-selector syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects every cluster')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the offloading has a final phase')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;offload;help' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Offload namespaces: their pods may run in the selected providers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;offload;help;namespace' {
            break
        }
        'liqoctl;offload;help;help' {
            break
        }
        'liqoctl;peer' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command, every phase included (a Go duration: 90s, 10m)')
            [CompletionResult]::new('--gw-server-service-location', '--gw-server-service-location', [CompletionResultType]::ParameterName, 'Where the gateway server lives')
            [CompletionResult]::new('--gw-server-service-type', '--gw-server-service-type', [CompletionResultType]::ParameterName, 'Service type of the gateway server')
            [CompletionResult]::new('--gw-server-service-port', '--gw-server-service-port', [CompletionResultType]::ParameterName, 'UDP port of the gateway server Service')
            [CompletionResult]::new('--gw-server-service-nodeport', '--gw-server-service-nodeport', [CompletionResultType]::ParameterName, 'Fixed node port of the gateway server Service (0: Kubernetes chooses)')
            [CompletionResult]::new('--gw-server-service-loadbalancerip', '--gw-server-service-loadbalancerip', [CompletionResultType]::ParameterName, 'Fixed load-balancer IP of the gateway server Service')
            [CompletionResult]::new('--gw-client-address', '--gw-client-address', [CompletionResultType]::ParameterName, 'Address the gateway client dials instead of the server''s (e.g. behind NAT)')
            [CompletionResult]::new('--gw-client-port', '--gw-client-port', [CompletionResultType]::ParameterName, 'Port the gateway client dials instead of the server''s (0: the server''s)')
            [CompletionResult]::new('--mtu', '--mtu', [CompletionResultType]::ParameterName, 'Tunnel MTU')
            [CompletionResult]::new('--create-resource-slice', '--create-resource-slice', [CompletionResultType]::ParameterName, 'Ask the provider for a ResourceSlice (phase C)')
            [CompletionResult]::new('--resource-slice-class', '--resource-slice-class', [CompletionResultType]::ParameterName, 'The ResourceSlice class')
            [CompletionResult]::new('--proxy-url', '--proxy-url', [CompletionResultType]::ParameterName, 'Proxy URL the consumer reaches the provider''s API server through (wins over --in-band)')
            [CompletionResult]::new('--create-virtual-node', '--create-virtual-node', [CompletionResultType]::ParameterName, 'Make a virtual node for the ResourceSlice once it is accepted')
            [CompletionResult]::new('--wait-virtual-node', '--wait-virtual-node', [CompletionResultType]::ParameterName, 'Wait for the virtual node and its Node to be Ready (upstream does not wait)')
            [CompletionResult]::new('--cpu', '--cpu', [CompletionResultType]::ParameterName, 'CPU requested (e.g. 4, 500m); the provider''s default when unset')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory requested (e.g. 8Gi); the provider''s default when unset')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Pods requested; the provider''s default when unset')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Other resources, as name=quantity (repeat, or separate with commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The remote Liqo namespace')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--skip-validation', '--skip-validation', [CompletionResultType]::ParameterName, 'Skip the gateway template checks')
            [CompletionResult]::new('--networking-disabled', '--networking-disabled', [CompletionResultType]::ParameterName, 'Do not set up the network (phase A): the clusters reach each other''s API servers directly')
            [CompletionResult]::new('--in-band', '--in-band', [CompletionResultType]::ParameterName, 'Reach the provider''s API server through the network tunnel (its API-server proxy)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;unauthenticate' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the Identity and the Tenant are gone (upstream accepts and ignores it)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole operation')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The remote Liqo namespace')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;unpeer' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command (a Go duration: 90s, 2m)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until what is deleted is gone on both clusters (resource slices and their replicas, virtual nodes and their Nodes, tenant namespaces, ForeignClusters)')
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The provider''s cluster ID, with --force')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The local Liqo namespace')
            [CompletionResult]::new('--remote-namespace', '--remote-namespace', [CompletionResultType]::ParameterName, 'The remote Liqo namespace')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--delete-namespaces', '--delete-namespaces', [CompletionResultType]::ParameterName, 'Also delete the tenant namespaces (refused while the reverse peering exists)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be deleted, per cluster, on stdout, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'The provider is gone for good: tear down the local side only, without contacting it (needs --remote-cluster-id; may leave the provider inconsistent)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;uncordon' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Remove the cordon of one of a consumer''s ResourceSlices')
            [CompletionResult]::new('resourceslices', 'resourceslices', [CompletionResultType]::ParameterValue, 'Remove the cordon of one of a consumer''s ResourceSlices')
            [CompletionResult]::new('rs', 'rs', [CompletionResultType]::ParameterValue, 'Remove the cordon of one of a consumer''s ResourceSlices')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Uncordon a consumer''s Tenant (Cordoned → Active)')
            [CompletionResult]::new('tenants', 'tenants', [CompletionResultType]::ParameterValue, 'Uncordon a consumer''s Tenant (Cordoned → Active)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;uncordon;resourceslice' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;uncordon;resourceslices' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;uncordon;rs' {
            [CompletionResult]::new('--remote-cluster-id', '--remote-cluster-id', [CompletionResultType]::ParameterName, 'The consumer''s cluster ID (whose tenant namespace holds the slice)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;uncordon;tenant' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;uncordon;tenants' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;uncordon;help' {
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Remove the cordon of one of a consumer''s ResourceSlices')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Uncordon a consumer''s Tenant (Cordoned → Active)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;uncordon;help;resourceslice' {
            break
        }
        'liqoctl;uncordon;help;tenant' {
            break
        }
        'liqoctl;uncordon;help;help' {
            break
        }
        'liqoctl;uninstall' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The Liqo namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The Liqo namespace')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole uninstallation')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Also remove the Liqo CRDs (and with them every Liqo object) and the tenant namespaces')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Uninstall even while peerings exist')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;unoffload' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted')
            [CompletionResult]::new('ns', 'ns', [CompletionResultType]::ParameterValue, 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted')
            [CompletionResult]::new('namespaces', 'namespaces', [CompletionResultType]::ParameterValue, 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;unoffload;namespace' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the remote namespaces are gone')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;unoffload;ns' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the remote namespaces are gone')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;unoffload;namespaces' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the remote namespaces are gone')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on the whole command')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;unoffload;help' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;unoffload;help;namespace' {
            break
        }
        'liqoctl;unoffload;help;help' {
            break
        }
        'liqoctl;version' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in (on both clusters)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace Liqo is installed in (on both clusters)')
            [CompletionResult]::new('--remote-kubeconfig', '--remote-kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)')
            [CompletionResult]::new('--remote-context', '--remote-context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use (in the remote cluster)')
            [CompletionResult]::new('--remote-cluster', '--remote-cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use (in the remote cluster)')
            [CompletionResult]::new('--remote-user', '--remote-user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use (in the remote cluster)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Show the client version only (no cluster access)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print extra progress lines and debug logs (-vv: all logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--skip-confirm', '--skip-confirm', [CompletionResultType]::ParameterName, 'Answer "yes" to confirmation prompts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'liqoctl;help' {
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Provider side: grant a cordoned or drained consumer resources again')
            [CompletionResult]::new('authenticate', 'authenticate', [CompletionResultType]::ParameterValue, 'Authenticate with a provider cluster (local = consumer, remote = provider)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('cordon', 'cordon', [CompletionResultType]::ParameterValue, 'Provider side: stop granting new resources to a consumer (Tenant or ResourceSlice)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create Liqo objects (out-of-band authentication, resource slices, virtual nodes)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete Liqo objects')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Provider side: revoke every resource granted to a consumer')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate objects to apply in another cluster')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print Liqo data')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the local Liqo installation and its peerings')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install or upgrade Liqo in the selected cluster')
            [CompletionResult]::new('network', 'network', [CompletionResultType]::ParameterValue, 'Manage the network between two clusters')
            [CompletionResult]::new('offload', 'offload', [CompletionResultType]::ParameterValue, 'Offload namespaces to the providers (consumer side)')
            [CompletionResult]::new('peer', 'peer', [CompletionResultType]::ParameterValue, 'Peer with a provider cluster: network, authentication, resource slice and virtual node (local = consumer, remote = provider)')
            [CompletionResult]::new('unauthenticate', 'unauthenticate', [CompletionResultType]::ParameterValue, 'Remove the authentication with a provider cluster')
            [CompletionResult]::new('unpeer', 'unpeer', [CompletionResultType]::ParameterValue, 'Tear down the peering with a provider cluster (local = consumer, remote = provider)')
            [CompletionResult]::new('uncordon', 'uncordon', [CompletionResultType]::ParameterValue, 'Provider side: undo a cordon')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Uninstall Liqo from the selected cluster')
            [CompletionResult]::new('unoffload', 'unoffload', [CompletionResultType]::ParameterValue, 'Stop offloading namespaces (consumer side)')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client and server versions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'liqoctl;help;activate' {
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Activate a consumer''s Tenant (Cordoned or Drained → Active)')
            break
        }
        'liqoctl;help;activate;tenant' {
            break
        }
        'liqoctl;help;authenticate' {
            break
        }
        'liqoctl;help;completion' {
            break
        }
        'liqoctl;help;cordon' {
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Cordon one of a consumer''s ResourceSlices: no new pods through it')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Cordon a consumer''s Tenant (Active → Cordoned): no new slices are granted')
            break
        }
        'liqoctl;help;cordon;resourceslice' {
            break
        }
        'liqoctl;help;cordon;tenant' {
            break
        }
        'liqoctl;help;create' {
            [CompletionResult]::new('nonce', 'nonce', [CompletionResultType]::ParameterValue, 'Provider side: create the nonce a consumer must sign (out-of-band authentication)')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated')
            [CompletionResult]::new('virtualnode', 'virtualnode', [CompletionResultType]::ParameterValue, 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready')
            break
        }
        'liqoctl;help;create;nonce' {
            break
        }
        'liqoctl;help;create;resourceslice' {
            break
        }
        'liqoctl;help;create;virtualnode' {
            break
        }
        'liqoctl;help;delete' {
            [CompletionResult]::new('peering-user', 'peering-user', [CompletionResultType]::ParameterValue, 'Provider side: remove a peering user')
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Consumer side: delete a ResourceSlice (not provided upstream)')
            [CompletionResult]::new('virtualnode', 'virtualnode', [CompletionResultType]::ParameterValue, 'Consumer side: delete a VirtualNode')
            break
        }
        'liqoctl;help;delete;peering-user' {
            break
        }
        'liqoctl;help;delete;resourceslice' {
            break
        }
        'liqoctl;help;delete;virtualnode' {
            break
        }
        'liqoctl;help;drain' {
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Drain a consumer''s Tenant (Active or Cordoned → Drained): every slice''s Resources are denied')
            break
        }
        'liqoctl;help;drain;tenant' {
            break
        }
        'liqoctl;help;generate' {
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Consumer side: sign a provider''s nonce and print the Tenant to apply there')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Provider side: print the control-plane Identity a consumer applies')
            [CompletionResult]::new('peering-user', 'peering-user', [CompletionResultType]::ParameterValue, 'Provider side: create a user a consumer can peer with, and print its kubeconfig')
            break
        }
        'liqoctl;help;generate;tenant' {
            break
        }
        'liqoctl;help;generate;identity' {
            break
        }
        'liqoctl;help;generate;peering-user' {
            break
        }
        'liqoctl;help;get' {
            [CompletionResult]::new('nonce', 'nonce', [CompletionResultType]::ParameterValue, 'Provider side: print the nonce created for a consumer')
            [CompletionResult]::new('kubeconfig', 'kubeconfig', [CompletionResultType]::ParameterValue, 'Consumer side: print the kubeconfig of an Identity')
            break
        }
        'liqoctl;help;get;nonce' {
            break
        }
        'liqoctl;help;get;kubeconfig' {
            break
        }
        'liqoctl;help;info' {
            [CompletionResult]::new('peer', 'peer', [CompletionResultType]::ParameterValue, 'Show the peerings with the given clusters (all when none): peer info, network, authentication and offloading')
            break
        }
        'liqoctl;help;info;peer' {
            break
        }
        'liqoctl;help;install' {
            break
        }
        'liqoctl;help;network' {
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Exchange the network configurations, then create the gateway server (remote) and client (local) and share their keys')
            [CompletionResult]::new('disconnect', 'disconnect', [CompletionResultType]::ParameterValue, 'Delete the gateways of both clusters, keeping the network configurations')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Delete the gateways and the network configurations of both clusters')
            break
        }
        'liqoctl;help;network;connect' {
            break
        }
        'liqoctl;help;network;disconnect' {
            break
        }
        'liqoctl;help;network;reset' {
            break
        }
        'liqoctl;help;offload' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Offload namespaces: their pods may run in the selected providers')
            break
        }
        'liqoctl;help;offload;namespace' {
            break
        }
        'liqoctl;help;peer' {
            break
        }
        'liqoctl;help;unauthenticate' {
            break
        }
        'liqoctl;help;unpeer' {
            break
        }
        'liqoctl;help;uncordon' {
            [CompletionResult]::new('resourceslice', 'resourceslice', [CompletionResultType]::ParameterValue, 'Remove the cordon of one of a consumer''s ResourceSlices')
            [CompletionResult]::new('tenant', 'tenant', [CompletionResultType]::ParameterValue, 'Uncordon a consumer''s Tenant (Cordoned → Active)')
            break
        }
        'liqoctl;help;uncordon;resourceslice' {
            break
        }
        'liqoctl;help;uncordon;tenant' {
            break
        }
        'liqoctl;help;uninstall' {
            break
        }
        'liqoctl;help;unoffload' {
            [CompletionResult]::new('namespace', 'namespace', [CompletionResultType]::ParameterValue, 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted')
            break
        }
        'liqoctl;help;unoffload;namespace' {
            break
        }
        'liqoctl;help;version' {
            break
        }
        'liqoctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
