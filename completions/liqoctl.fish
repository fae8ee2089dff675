# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_liqoctl_global_optspecs
    string join \n kubeconfig= context= cluster= user= v/verbose q/quiet skip-confirm h/help V/version
end

function __fish_liqoctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_liqoctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_liqoctl_using_subcommand
    set -l cmd (__fish_liqoctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c liqoctl -n "__fish_liqoctl_needs_command" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_needs_command" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_needs_command" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_needs_command" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_needs_command" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "activate" -d 'Provider side: grant a cordoned or drained consumer resources again'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "authenticate" -d 'Authenticate with a provider cluster (local = consumer, remote = provider)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "cordon" -d 'Provider side: stop granting new resources to a consumer (Tenant or ResourceSlice)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "create" -d 'Create Liqo objects (out-of-band authentication, resource slices, virtual nodes)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "delete" -d 'Delete Liqo objects'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "drain" -d 'Provider side: revoke every resource granted to a consumer'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "generate" -d 'Generate objects to apply in another cluster'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "get" -d 'Print Liqo data'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "info" -d 'Show the local Liqo installation and its peerings'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "install" -d 'Install or upgrade Liqo in the selected cluster'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "network" -d 'Manage the network between two clusters'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "offload" -d 'Offload namespaces to the providers (consumer side)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "peer" -d 'Peer with a provider cluster: network, authentication, resource slice and virtual node (local = consumer, remote = provider)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "unauthenticate" -d 'Remove the authentication with a provider cluster'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "unpeer" -d 'Tear down the peering with a provider cluster (local = consumer, remote = provider)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "uncordon" -d 'Provider side: undo a cordon'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "uninstall" -d 'Uninstall Liqo from the selected cluster'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "unoffload" -d 'Stop offloading namespaces (consumer side)'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "version" -d 'Print the client and server versions'
complete -c liqoctl -n "__fish_liqoctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -f -a "tenant" -d 'Activate a consumer\'s Tenant (Cordoned or Drained → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -f -a "tenants" -d 'Activate a consumer\'s Tenant (Cordoned or Drained → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and not __fish_seen_subcommand_from tenant tenants help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenant" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from tenants" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from help" -f -a "tenant" -d 'Activate a consumer\'s Tenant (Cordoned or Drained → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand activate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l proxy-url -d 'Proxy URL the consumer reaches the provider\'s API server through' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l timeout -d 'Bound on the whole authentication' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -s n -l namespace -d 'The local Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l remote-namespace -d 'The remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l in-band -d 'Reach the provider\'s API server through the network tunnel (its API-server proxy), unless --proxy-url is given. Needs the networking module connected'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand authenticate" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand completion" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "resourceslice" -d 'Cordon one of a consumer\'s ResourceSlices: no new pods through it'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "resourceslices" -d 'Cordon one of a consumer\'s ResourceSlices: no new pods through it'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "rs" -d 'Cordon one of a consumer\'s ResourceSlices: no new pods through it'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "tenant" -d 'Cordon a consumer\'s Tenant (Active → Cordoned): no new slices are granted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "tenants" -d 'Cordon a consumer\'s Tenant (Active → Cordoned): no new slices are granted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l remote-cluster-id -d 'The consumer\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslice" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l remote-cluster-id -d 'The consumer\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from resourceslices" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l remote-cluster-id -d 'The consumer\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from rs" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenant" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from tenants" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from help" -f -a "resourceslice" -d 'Cordon one of a consumer\'s ResourceSlices: no new pods through it'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from help" -f -a "tenant" -d 'Cordon a consumer\'s Tenant (Active → Cordoned): no new slices are granted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand cordon; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "nonce" -d 'Provider side: create the nonce a consumer must sign (out-of-band authentication)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "resourceslice" -d 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "rs" -d 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "resourceslices" -d 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "virtualnode" -d 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "vn" -d 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and not __fish_seen_subcommand_from nonce resourceslice rs resourceslices virtualnode vn help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l remote-cluster-id -d 'The consumer\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l liqo-namespace -d 'The Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -s o -l output -d 'Print the tenant Namespace and nonce Secret that would be applied, and apply nothing' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l timeout -d 'Bound on the wait for the nonce creator' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from nonce" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l remote-cluster-id -d 'The provider\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l class -d 'The slice class: only the built-in `default` is served' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l cpu -d 'CPU requested (e.g. 4, 500m); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l memory -d 'Memory requested (e.g. 8Gi); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l pods -d 'Pods requested (a whole number); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l resource -d 'Other resources, as name=quantity; repeat the flag or separate with commas (e.g. --resource nvidia.com/gpu=1,ephemeral-storage=20Gi)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -s o -l output -d 'Print the ResourceSlice that would be applied, and apply nothing' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l timeout -d 'Bound on the wait for the provider to authenticate the slice' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l no-virtual-node -d 'Do not make a virtual node for the slice once it is accepted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslice" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l remote-cluster-id -d 'The provider\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l class -d 'The slice class: only the built-in `default` is served' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l cpu -d 'CPU requested (e.g. 4, 500m); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l memory -d 'Memory requested (e.g. 8Gi); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l pods -d 'Pods requested (a whole number); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l resource -d 'Other resources, as name=quantity; repeat the flag or separate with commas (e.g. --resource nvidia.com/gpu=1,ephemeral-storage=20Gi)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -s o -l output -d 'Print the ResourceSlice that would be applied, and apply nothing' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l timeout -d 'Bound on the wait for the provider to authenticate the slice' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l no-virtual-node -d 'Do not make a virtual node for the slice once it is accepted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from rs" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l remote-cluster-id -d 'The provider\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l class -d 'The slice class: only the built-in `default` is served' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l cpu -d 'CPU requested (e.g. 4, 500m); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l memory -d 'Memory requested (e.g. 8Gi); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l pods -d 'Pods requested (a whole number); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l resource -d 'Other resources, as name=quantity; repeat the flag or separate with commas (e.g. --resource nvidia.com/gpu=1,ephemeral-storage=20Gi)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -s o -l output -d 'Print the ResourceSlice that would be applied, and apply nothing' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l timeout -d 'Bound on the wait for the provider to authenticate the slice' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l no-virtual-node -d 'Do not make a virtual node for the slice once it is accepted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from resourceslices" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l remote-cluster-id -d 'The provider\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l kubeconfig-secret-name -d 'A Secret in the tenant namespace holding a kubeconfig (key `kubeconfig`) for the provider' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l resource-slice-name -d 'An accepted ResourceSlice whose identity and granted resources the node uses' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l create-node -d 'Create the Node object' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l vk-options-template -d 'The VkOptionsTemplate to use, as <namespace>/<name> (default: the installation\'s)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l runtime-class-name -d 'The runtime class of the offloaded pods' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l cpu -d 'CPU of the node (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l memory -d 'Memory of the node (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l pods -d 'Pods of the node (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l resource -d 'Other resources of the node, as name=quantity, repeatable or comma separated, e.g. --resource nvidia.com/gpu=1 (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l storage-classes -d 'Storage classes offered; the first is the default (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l ingress-classes -d 'Ingress classes offered; the first is the default (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l load-balancer-classes -d 'Load-balancer classes offered; the first is the default (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l labels -d 'Labels of the Node, as k=v (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l node-selector -d 'Node selector of the offloaded pods, as k=v (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -s o -l output -d 'Print the VirtualNode that would be applied, and apply nothing' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l timeout -d 'Bound on the wait for the Node to be Ready' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l disable-network-check -d 'Do not make the Node\'s readiness depend on the network with the provider'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from virtualnode" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l remote-cluster-id -d 'The provider\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l kubeconfig-secret-name -d 'A Secret in the tenant namespace holding a kubeconfig (key `kubeconfig`) for the provider' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l resource-slice-name -d 'An accepted ResourceSlice whose identity and granted resources the node uses' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l create-node -d 'Create the Node object' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l vk-options-template -d 'The VkOptionsTemplate to use, as <namespace>/<name> (default: the installation\'s)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l runtime-class-name -d 'The runtime class of the offloaded pods' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l cpu -d 'CPU of the node (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l memory -d 'Memory of the node (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l pods -d 'Pods of the node (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l resource -d 'Other resources of the node, as name=quantity, repeatable or comma separated, e.g. --resource nvidia.com/gpu=1 (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l storage-classes -d 'Storage classes offered; the first is the default (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l ingress-classes -d 'Ingress classes offered; the first is the default (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l load-balancer-classes -d 'Load-balancer classes offered; the first is the default (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l labels -d 'Labels of the Node, as k=v (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l node-selector -d 'Node selector of the offloaded pods, as k=v (kubeconfig-secret mode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -s o -l output -d 'Print the VirtualNode that would be applied, and apply nothing' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l timeout -d 'Bound on the wait for the Node to be Ready' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l disable-network-check -d 'Do not make the Node\'s readiness depend on the network with the provider'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from vn" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "nonce" -d 'Provider side: create the nonce a consumer must sign (out-of-band authentication)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "resourceslice" -d 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "virtualnode" -d 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "peering-user" -d 'Provider side: remove a peering user'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "resourceslice" -d 'Consumer side: delete a ResourceSlice (not provided upstream)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "rs" -d 'Consumer side: delete a ResourceSlice (not provided upstream)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "resourceslices" -d 'Consumer side: delete a ResourceSlice (not provided upstream)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "virtualnode" -d 'Consumer side: delete a VirtualNode'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "vn" -d 'Consumer side: delete a VirtualNode'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and not __fish_seen_subcommand_from peering-user resourceslice rs resourceslices virtualnode vn help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -l consumer-cluster-id -d 'The consumer\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from peering-user" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l remote-cluster-id -d 'The provider\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l timeout -d 'Bound on the wait' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l wait -d 'Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity, and the provider\'s replica'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslice" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l remote-cluster-id -d 'The provider\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l timeout -d 'Bound on the wait' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l wait -d 'Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity, and the provider\'s replica'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from rs" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l remote-cluster-id -d 'The provider\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l timeout -d 'Bound on the wait' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l wait -d 'Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity, and the provider\'s replica'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from resourceslices" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l remote-cluster-id -d 'The provider\'s cluster ID (whose tenant namespace holds the VirtualNode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -s n -l namespace -d 'The VirtualNode\'s namespace, instead of --remote-cluster-id' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l timeout -d 'Bound on the wait' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l wait -d 'Wait until the VirtualNode is gone (its Node drained and deleted)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from virtualnode" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l remote-cluster-id -d 'The provider\'s cluster ID (whose tenant namespace holds the VirtualNode)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -s n -l namespace -d 'The VirtualNode\'s namespace, instead of --remote-cluster-id' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l timeout -d 'Bound on the wait' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l wait -d 'Wait until the VirtualNode is gone (its Node drained and deleted)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from vn" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from help" -f -a "peering-user" -d 'Provider side: remove a peering user'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from help" -f -a "resourceslice" -d 'Consumer side: delete a ResourceSlice (not provided upstream)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from help" -f -a "virtualnode" -d 'Consumer side: delete a VirtualNode'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand delete; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -f -a "tenant" -d 'Drain a consumer\'s Tenant (Active or Cordoned → Drained): every slice\'s Resources are denied'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -f -a "tenants" -d 'Drain a consumer\'s Tenant (Active or Cordoned → Drained): every slice\'s Resources are denied'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and not __fish_seen_subcommand_from tenant tenants help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenant" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from tenants" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from help" -f -a "tenant" -d 'Drain a consumer\'s Tenant (Active or Cordoned → Drained): every slice\'s Resources are denied'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand drain; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -f -a "tenant" -d 'Consumer side: sign a provider\'s nonce and print the Tenant to apply there'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -f -a "identity" -d 'Provider side: print the control-plane Identity a consumer applies'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -f -a "peering-user" -d 'Provider side: create a user a consumer can peer with, and print its kubeconfig'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and not __fish_seen_subcommand_from tenant identity peering-user help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l remote-cluster-id -d 'The provider\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l remote-tenant-namespace -d 'The provider\'s tenant namespace for this cluster (set on the printed Tenant if given)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l nonce -d 'The nonce from `liqoctl get nonce` on the provider' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l proxy-url -d 'Proxy URL to reach the provider\'s API server through' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l liqo-namespace -d 'The Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l timeout -d 'Bound on the wait for the nonce signer' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from tenant" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l remote-cluster-id -d 'The consumer\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l remote-tenant-namespace -d 'The consumer\'s tenant namespace for this cluster (set on the printed Identity if given)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l liqo-namespace -d 'The Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from identity" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l consumer-cluster-id -d 'The consumer\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l liqo-namespace -d 'The Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l tls-compatibility-mode -d 'Key type of the user: `true` asks for RSA-2048 (for clusters in TLS compatibility mode), `false` for Ed25519, `auto` follows the controller manager\'s `--tls-compatibility-mode`' -r -f -a "auto\t''
true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from peering-user" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "tenant" -d 'Consumer side: sign a provider\'s nonce and print the Tenant to apply there'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "identity" -d 'Provider side: print the control-plane Identity a consumer applies'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "peering-user" -d 'Provider side: create a user a consumer can peer with, and print its kubeconfig'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -f -a "nonce" -d 'Provider side: print the nonce created for a consumer'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -f -a "kubeconfig" -d 'Consumer side: print the kubeconfig of an Identity'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and not __fish_seen_subcommand_from nonce kubeconfig help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -l remote-cluster-id -d 'The consumer\'s cluster ID' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from nonce" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -l remote-cluster-id -d 'The provider\'s cluster ID (whose tenant namespace holds the Identity)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from kubeconfig" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "nonce" -d 'Provider side: print the nonce created for a consumer'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "kubeconfig" -d 'Consumer side: print the kubeconfig of an Identity'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s n -l namespace -d 'The namespace Liqo is installed in' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s o -l output -d 'Print the data as json or yaml instead of boxes' -r -f -a "json\t''
yaml\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s g -l get -d 'Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is short for local.clusterid; with `info peer`, start with the cluster ID)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -f -a "peer" -d 'Show the peerings with the given clusters (all when none): peer info, network, authentication and offloading'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and not __fish_seen_subcommand_from peer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s n -l namespace -d 'The namespace Liqo is installed in' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s o -l output -d 'Print the data as json or yaml instead of boxes' -r -f -a "json\t''
yaml\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s g -l get -d 'Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is short for local.clusterid; with `info peer`, start with the cluster ID)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from peer" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from help" -f -a "peer" -d 'Show the peerings with the given clusters (all when none): peer info, network, authentication and offloading'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand info; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -s n -l namespace -d 'The namespace to install Liqo in' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l cluster-id -d 'This cluster\'s ID (a DNS label); generated when absent, immutable once installed' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l pod-cidr -d 'Pod CIDR of this cluster (repeatable)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l service-cidr -d 'Service CIDR of this cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l external-cidr -d 'External CIDR: where peers see this cluster\'s addresses mapped' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l internal-cidr -d 'Internal CIDR of the gateway fabric' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l image -d 'Control-plane image (default: this release\'s image)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l api-server-url -d 'API server URL consumers reach this cluster at (default: the kubeconfig\'s server)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l timeout -d 'Bound on the whole installation (a Go duration: 90s, 10m, 1h; at most 8760h)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l default-node-resources -d 'Resources a ResourceSlice gets for keys it does not request, as k=v pairs separated by commas (default: cpu=4,memory=8Gi,pods=110,ephemeral-storage=20Gi)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l default-resource-slice-class-enabled -d 'Serve ResourceSlices of the built-in class (`default`)' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l ingress-classes -d 'Ingress classes offered to consumers, separated by commas (the first is the default)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l load-balancer-classes -d 'Load-balancer classes offered to consumers, separated by commas (the first is the default)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l cluster-labels -d 'Labels of this cluster, given to the virtual nodes of its consumers (k=v pairs separated by commas)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l real-storage-class-name -d 'The storage class offered as the default (default: the cluster\'s default class)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l default-limits-enforcement -d 'limitsEnforcement of the Quotas created for consumers: Hard, Soft or None' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -s o -l output -d 'Output format of --dry-run' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l tls-compatibility-mode -d 'Generate an RSA-2048 cluster key instead of Ed25519 (for API servers or clients that cannot use Ed25519). Like upstream\'s flag, it applies to a newly created key only'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l enable-storage -d 'Let consumers use this cluster\'s storage classes'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l dry-run -d 'Print the manifests instead of applying them'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand install" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -f -a "connect" -d 'Exchange the network configurations, then create the gateway server (remote) and client (local) and share their keys'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -f -a "disconnect" -d 'Delete the gateways of both clusters, keeping the network configurations'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -f -a "reset" -d 'Delete the gateways and the network configurations of both clusters'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and not __fish_seen_subcommand_from connect disconnect reset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -s n -l namespace -d 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl\'s meaning of -n on network)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l remote-namespace -d 'The TENANT namespace holding the network objects in the remote cluster (default: the tenant namespace of the local cluster); not the remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l liqo-namespace -d 'The namespace Liqo is installed in, in the local cluster (what -n means on other commands)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l remote-liqo-namespace -d 'The namespace Liqo is installed in, in the remote cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l timeout -d 'Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-type -d 'Resource of the server template kind (group/version/resource)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-template-name -d 'Name of the server template' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-template-namespace -d 'Namespace of the server template (default: the remote Liqo namespace)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-service-type -d 'Service type of the gateway server' -r -f -a "LoadBalancer\t''
NodePort\t''
ClusterIP\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-service-port -d 'UDP port of the gateway server Service' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-service-nodeport -d 'Fixed node port of the gateway server Service (0: Kubernetes chooses)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-server-service-loadbalancerip -d 'Fixed load-balancer IP of the gateway server Service' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-client-type -d 'Resource of the client template kind (group/version/resource)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-client-template-name -d 'Name of the client template' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-client-template-namespace -d 'Namespace of the client template (default: the local Liqo namespace)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-client-address -d 'Address the client dials instead of the server\'s (e.g. behind NAT)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l gw-client-port -d 'Port the client dials instead of the server\'s (0: the server\'s)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l mtu -d 'Tunnel MTU (must be equal on both sides)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l wait -d 'connect: wait for the Connections to be established; disconnect/reset: wait until the deleted objects are gone'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l skip-validation -d 'Skip the gateway template checks'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l disable-sharing-keys -d 'Do not exchange the gateways\' public keys'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s n -l namespace -d 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl\'s meaning of -n on network)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l remote-namespace -d 'The TENANT namespace holding the network objects in the remote cluster (default: the tenant namespace of the local cluster); not the remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l liqo-namespace -d 'The namespace Liqo is installed in, in the local cluster (what -n means on other commands)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l remote-liqo-namespace -d 'The namespace Liqo is installed in, in the remote cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l timeout -d 'Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l wait -d 'connect: wait for the Connections to be established; disconnect/reset: wait until the deleted objects are gone'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -s n -l namespace -d 'The TENANT namespace holding the network objects in the local cluster (default: the tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo namespace: that is --liqo-namespace (upstream liqoctl\'s meaning of -n on network)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l remote-namespace -d 'The TENANT namespace holding the network objects in the remote cluster (default: the tenant namespace of the local cluster); not the remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l liqo-namespace -d 'The namespace Liqo is installed in, in the local cluster (what -n means on other commands)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l remote-liqo-namespace -d 'The namespace Liqo is installed in, in the remote cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l timeout -d 'Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l wait -d 'connect: wait for the Connections to be established; disconnect/reset: wait until the deleted objects are gone'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from reset" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "connect" -d 'Exchange the network configurations, then create the gateway server (remote) and client (local) and share their keys'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "disconnect" -d 'Delete the gateways of both clusters, keeping the network configurations'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Delete the gateways and the network configurations of both clusters'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "namespace" -d 'Offload namespaces: their pods may run in the selected providers'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "ns" -d 'Offload namespaces: their pods may run in the selected providers'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "namespaces" -d 'Offload namespaces: their pods may run in the selected providers'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l namespace-mapping-strategy -d 'How the remote namespaces are named (immutable once offloaded)' -r -f -a "EnforceSameName\t'The local name'
DefaultName\t'`<namespace>-<local cluster ID>`'
SelectedName\t'The name given with --remote-namespace-name'"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l remote-namespace-name -d 'The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and required then' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l pod-offloading-strategy -d 'Where the pods of the namespaces may run' -r -f -a "Local\t'Only in the local cluster (the remote namespaces exist, e.g. for services)'
Remote\t'Only in the selected providers'
LocalAndRemote\t'Both'"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l selector -d 'Selects the target clusters by the labels of their virtual nodes, in label-selector syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects every cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -s o -l output -d 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l wait -d 'Wait until the offloading has a final phase' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespace" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l namespace-mapping-strategy -d 'How the remote namespaces are named (immutable once offloaded)' -r -f -a "EnforceSameName\t'The local name'
DefaultName\t'`<namespace>-<local cluster ID>`'
SelectedName\t'The name given with --remote-namespace-name'"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l remote-namespace-name -d 'The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and required then' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l pod-offloading-strategy -d 'Where the pods of the namespaces may run' -r -f -a "Local\t'Only in the local cluster (the remote namespaces exist, e.g. for services)'
Remote\t'Only in the selected providers'
LocalAndRemote\t'Both'"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l selector -d 'Selects the target clusters by the labels of their virtual nodes, in label-selector syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects every cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -s o -l output -d 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l wait -d 'Wait until the offloading has a final phase' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from ns" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l namespace-mapping-strategy -d 'How the remote namespaces are named (immutable once offloaded)' -r -f -a "EnforceSameName\t'The local name'
DefaultName\t'`<namespace>-<local cluster ID>`'
SelectedName\t'The name given with --remote-namespace-name'"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l remote-namespace-name -d 'The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and required then' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l pod-offloading-strategy -d 'Where the pods of the namespaces may run' -r -f -a "Local\t'Only in the local cluster (the remote namespaces exist, e.g. for services)'
Remote\t'Only in the selected providers'
LocalAndRemote\t'Both'"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l selector -d 'Selects the target clusters by the labels of their virtual nodes, in label-selector syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects every cluster' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -s o -l output -d 'Print the NamespaceOffloadings instead of applying them (the cluster is not contacted)' -r -f -a "yaml\t''
json\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l wait -d 'Wait until the offloading has a final phase' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from namespaces" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from help" -f -a "namespace" -d 'Offload namespaces: their pods may run in the selected providers'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand offload; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l timeout -d 'Bound on the whole command, every phase included (a Go duration: 90s, 10m)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-server-service-location -d 'Where the gateway server lives' -r -f -a "Consumer\t''
Provider\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-server-service-type -d 'Service type of the gateway server' -r -f -a "LoadBalancer\t''
NodePort\t''
ClusterIP\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-server-service-port -d 'UDP port of the gateway server Service' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-server-service-nodeport -d 'Fixed node port of the gateway server Service (0: Kubernetes chooses)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-server-service-loadbalancerip -d 'Fixed load-balancer IP of the gateway server Service' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-client-address -d 'Address the gateway client dials instead of the server\'s (e.g. behind NAT)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l gw-client-port -d 'Port the gateway client dials instead of the server\'s (0: the server\'s)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l mtu -d 'Tunnel MTU' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l create-resource-slice -d 'Ask the provider for a ResourceSlice (phase C)' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l resource-slice-class -d 'The ResourceSlice class' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l proxy-url -d 'Proxy URL the consumer reaches the provider\'s API server through (wins over --in-band)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l create-virtual-node -d 'Make a virtual node for the ResourceSlice once it is accepted' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l wait-virtual-node -d 'Wait for the virtual node and its Node to be Ready (upstream does not wait)' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l cpu -d 'CPU requested (e.g. 4, 500m); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l memory -d 'Memory requested (e.g. 8Gi); the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l pods -d 'Pods requested; the provider\'s default when unset' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l resource -d 'Other resources, as name=quantity (repeat, or separate with commas)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -s n -l namespace -d 'The local Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l remote-namespace -d 'The remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l skip-validation -d 'Skip the gateway template checks'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l networking-disabled -d 'Do not set up the network (phase A): the clusters reach each other\'s API servers directly'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l in-band -d 'Reach the provider\'s API server through the network tunnel (its API-server proxy)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand peer" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l wait -d 'Wait until the Identity and the Tenant are gone (upstream accepts and ignores it)' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l timeout -d 'Bound on the whole operation' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -s n -l namespace -d 'The local Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l remote-namespace -d 'The remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unauthenticate" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l timeout -d 'Bound on the whole command (a Go duration: 90s, 2m)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l wait -d 'Wait until what is deleted is gone on both clusters (resource slices and their replicas, virtual nodes and their Nodes, tenant namespaces, ForeignClusters)' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l remote-cluster-id -d 'The provider\'s cluster ID, with --force' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -s n -l namespace -d 'The local Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l remote-namespace -d 'The remote Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l delete-namespaces -d 'Also delete the tenant namespaces (refused while the reverse peering exists)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l dry-run -d 'Print what would be deleted, per cluster, on stdout, and change nothing'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l force -d 'The provider is gone for good: tear down the local side only, without contacting it (needs --remote-cluster-id; may leave the provider inconsistent)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unpeer" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "resourceslice" -d 'Remove the cordon of one of a consumer\'s ResourceSlices'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "resourceslices" -d 'Remove the cordon of one of a consumer\'s ResourceSlices'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "rs" -d 'Remove the cordon of one of a consumer\'s ResourceSlices'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "tenant" -d 'Uncordon a consumer\'s Tenant (Cordoned → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "tenants" -d 'Uncordon a consumer\'s Tenant (Cordoned → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and not __fish_seen_subcommand_from resourceslice resourceslices rs tenant tenants help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l remote-cluster-id -d 'The consumer\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslice" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l remote-cluster-id -d 'The consumer\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from resourceslices" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l remote-cluster-id -d 'The consumer\'s cluster ID (whose tenant namespace holds the slice)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from rs" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenant" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from tenants" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from help" -f -a "resourceslice" -d 'Remove the cordon of one of a consumer\'s ResourceSlices'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from help" -f -a "tenant" -d 'Uncordon a consumer\'s Tenant (Cordoned → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uncordon; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -s n -l namespace -d 'The Liqo namespace' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l timeout -d 'Bound on the whole uninstallation' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l purge -d 'Also remove the Liqo CRDs (and with them every Liqo object) and the tenant namespaces'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l force -d 'Uninstall even while peerings exist'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "namespace" -d 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "ns" -d 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "namespaces" -d 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and not __fish_seen_subcommand_from namespace ns namespaces help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l wait -d 'Wait until the remote namespaces are gone' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespace" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l wait -d 'Wait until the remote namespaces are gone' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from ns" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l wait -d 'Wait until the remote namespaces are gone' -r -f -a "true\t''
false\t''"
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l timeout -d 'Bound on the whole command' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from namespaces" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from help" -f -a "namespace" -d 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand unoffload; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -s n -l namespace -d 'The namespace Liqo is installed in (on both clusters)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l remote-kubeconfig -d 'Path to the kubeconfig file to use for CLI requests (in the remote cluster)' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l remote-context -d 'The name of the kubeconfig context to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l remote-cluster -d 'The name of the kubeconfig cluster to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l remote-user -d 'The name of the kubeconfig user to use (in the remote cluster)' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l context -d 'The name of the kubeconfig context to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l user -d 'The name of the kubeconfig user to use' -r
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l client -d 'Show the client version only (no cluster access)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -s v -l verbose -d 'Print extra progress lines and debug logs (-vv: all logs)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -l skip-confirm -d 'Answer "yes" to confirmation prompts'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand version" -s V -l version -d 'Print version'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "activate" -d 'Provider side: grant a cordoned or drained consumer resources again'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "authenticate" -d 'Authenticate with a provider cluster (local = consumer, remote = provider)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "cordon" -d 'Provider side: stop granting new resources to a consumer (Tenant or ResourceSlice)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "create" -d 'Create Liqo objects (out-of-band authentication, resource slices, virtual nodes)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "delete" -d 'Delete Liqo objects'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "drain" -d 'Provider side: revoke every resource granted to a consumer'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "generate" -d 'Generate objects to apply in another cluster'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "get" -d 'Print Liqo data'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "info" -d 'Show the local Liqo installation and its peerings'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "install" -d 'Install or upgrade Liqo in the selected cluster'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "network" -d 'Manage the network between two clusters'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "offload" -d 'Offload namespaces to the providers (consumer side)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "peer" -d 'Peer with a provider cluster: network, authentication, resource slice and virtual node (local = consumer, remote = provider)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "unauthenticate" -d 'Remove the authentication with a provider cluster'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "unpeer" -d 'Tear down the peering with a provider cluster (local = consumer, remote = provider)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "uncordon" -d 'Provider side: undo a cordon'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "uninstall" -d 'Uninstall Liqo from the selected cluster'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "unoffload" -d 'Stop offloading namespaces (consumer side)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "version" -d 'Print the client and server versions'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and not __fish_seen_subcommand_from activate authenticate completion cordon create delete drain generate get info install network offload peer unauthenticate unpeer uncordon uninstall unoffload version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from activate" -f -a "tenant" -d 'Activate a consumer\'s Tenant (Cordoned or Drained → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from cordon" -f -a "resourceslice" -d 'Cordon one of a consumer\'s ResourceSlices: no new pods through it'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from cordon" -f -a "tenant" -d 'Cordon a consumer\'s Tenant (Active → Cordoned): no new slices are granted'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from create" -f -a "nonce" -d 'Provider side: create the nonce a consumer must sign (out-of-band authentication)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from create" -f -a "resourceslice" -d 'Consumer side: ask a provider for a slice of its resources and wait until it is authenticated'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from create" -f -a "virtualnode" -d 'Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and wait for its Node to be Ready'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from delete" -f -a "peering-user" -d 'Provider side: remove a peering user'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from delete" -f -a "resourceslice" -d 'Consumer side: delete a ResourceSlice (not provided upstream)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from delete" -f -a "virtualnode" -d 'Consumer side: delete a VirtualNode'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from drain" -f -a "tenant" -d 'Drain a consumer\'s Tenant (Active or Cordoned → Drained): every slice\'s Resources are denied'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "tenant" -d 'Consumer side: sign a provider\'s nonce and print the Tenant to apply there'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "identity" -d 'Provider side: print the control-plane Identity a consumer applies'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "peering-user" -d 'Provider side: create a user a consumer can peer with, and print its kubeconfig'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "nonce" -d 'Provider side: print the nonce created for a consumer'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "kubeconfig" -d 'Consumer side: print the kubeconfig of an Identity'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from info" -f -a "peer" -d 'Show the peerings with the given clusters (all when none): peer info, network, authentication and offloading'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "connect" -d 'Exchange the network configurations, then create the gateway server (remote) and client (local) and share their keys'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "disconnect" -d 'Delete the gateways of both clusters, keeping the network configurations'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "reset" -d 'Delete the gateways and the network configurations of both clusters'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from offload" -f -a "namespace" -d 'Offload namespaces: their pods may run in the selected providers'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from uncordon" -f -a "resourceslice" -d 'Remove the cordon of one of a consumer\'s ResourceSlices'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from uncordon" -f -a "tenant" -d 'Uncordon a consumer\'s Tenant (Cordoned → Active)'
complete -c liqoctl -n "__fish_liqoctl_using_subcommand help; and __fish_seen_subcommand_from unoffload" -f -a "namespace" -d 'Unoffload namespaces: their remote namespaces, and the pods in them, are deleted'
