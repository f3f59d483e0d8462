//! What a network counts over a run: jobs, orders, money, supply and clusters, run-wide
//! and per workload; a world adds its networks' up ([`Counters::absorb`]).

/// Run-wide counters.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    /// Where jobs went, and their waits.
    pub jobs: JobCounters,
    /// Orders and leases: clearing, bids, expiry, offers taken over cheaper ones.
    pub orders: OrderCounters,
    /// USD flows on the network and on the cloud.
    pub money: MoneyCounters,
    /// Entry and exit.
    pub supply: SupplyCounters,
    /// Aggregator clusters (io.net).
    pub clusters: ClusterCounters,
}

/// Where jobs went, and their waits.
#[derive(Debug, Clone, Default)]
pub struct JobCounters {
    /// Jobs submitted.
    pub submitted: u64,
    /// Jobs completed.
    pub completed: u64,
    /// Jobs failed.
    pub failed: u64,
    /// Jobs dropped.
    pub dropped: u64,
    /// Jobs sent to the cloud.
    pub to_cloud: u64,
    /// Interruptions.
    pub interrupted: u64,
    /// Jobs that started at least once.
    pub started: u64,
    /// Of those, jobs that queued.
    pub started_after_queueing: u64,
    /// Sum of waits of started jobs [s].
    pub wait_sum_s: f64,
    /// Sum of times in system of completed jobs [s].
    pub time_in_system_sum_s: f64,
}

/// Orders and leases: clearing, bids, expiry, offers taken over cheaper ones.
#[derive(Debug, Clone, Default)]
pub struct OrderCounters {
    /// Leases started.
    pub leases: u64,
    /// Orders cleared (a bid was chosen).
    pub orders_cleared: u64,
    /// Bids received over all cleared orders.
    pub bids: u64,
    /// Orders whose bids expired.
    pub orders_expired: u64,
    /// Orders that took an offer dearer per hour than the cheapest they received.
    pub orders_not_lowest_price: u64,
    /// Providers whose start fee is over the requestors' cap (never matched).
    pub providers_unlisted: u64,
}

/// USD flows on the network and on the cloud.
#[derive(Debug, Clone, Default)]
pub struct MoneyCounters {
    /// Consumer payments on the network [USD].
    pub consumer_spend_usd: f64,
    /// Provider receipts [USD].
    pub provider_revenue_usd: f64,
    /// Network fees kept [USD].
    pub fees_usd: f64,
    /// USD collected to buy and burn tokens [USD].
    pub burn_usd: f64,
    /// Providers' share of payments spent buying the tokens they are paid in [USD].
    pub token_payments_usd: f64,
    /// Start fees paid (linear pricing) [USD].
    pub start_fees_usd: f64,
    /// Cloud fallback spend [USD].
    pub cloud_spend_usd: f64,
    /// Cloud cost of the completed jobs [USD].
    pub cloud_equivalent_usd: f64,
    /// Network spend of jobs that ended [USD].
    pub spend_on_ended_usd: f64,
}

/// Entry and exit.
#[derive(Debug, Clone, Default)]
pub struct SupplyCounters {
    /// Providers that joined during the run (entry and exit).
    pub providers_entered: u64,
    /// Providers that left during the run.
    pub providers_exited: u64,
}

/// Aggregator clusters (io.net).
#[derive(Debug, Clone, Default)]
pub struct ClusterCounters {
    /// Leases spread over several hosts (aggregator clusters).
    pub cluster_leases: u64,
    /// Sum of hosts over cluster leases.
    pub cluster_hosts: u64,
    /// Sum of throughput factors over cluster leases [ratio].
    pub cluster_efficiency_sum: f64,
}

/// Service counters of one workload.
#[derive(Debug, Clone, Default)]
pub struct WorkloadCounters {
    /// Jobs that started at least once.
    pub started: u64,
    /// Of those, jobs that queued.
    pub started_after_queueing: u64,
    /// Sum of waits of started jobs [s].
    pub wait_sum_s: f64,
    /// Jobs completed.
    pub completed: u64,
    /// Network spend of the workload's jobs that ended [USD].
    pub spend_on_ended_usd: f64,
    /// What its completed jobs would have cost on the cloud baseline [USD].
    pub cloud_equivalent_usd: f64,
    /// GPU-time its jobs' leases paid for here [GPU-h].
    pub gpu_hours: f64,
    /// Consumer spend of its jobs here, paid so far [USD].
    pub spend_usd: f64,
    /// GPU-time its jobs that gave up waiting bought on a cloud instead [GPU-h].
    pub cloud_fallback_gpu_hours: f64,
    /// Spend of those jobs on the cloud [USD].
    pub cloud_fallback_usd: f64,
}

impl Counters {
    /// Adds `o`'s counts and sums to these (a world adding up its networks). Every field
    /// is named, here and in each part's `absorb` (no `..`): a counter added to these
    /// structs does not compile until it is added up, so a world never reads it as 0.
    pub fn absorb(&mut self, o: &Counters) {
        let Counters {
            jobs,
            orders,
            money,
            supply,
            clusters,
        } = o;
        self.jobs.absorb(jobs);
        self.orders.absorb(orders);
        self.money.absorb(money);
        self.supply.absorb(supply);
        self.clusters.absorb(clusters);
    }
}

impl JobCounters {
    fn absorb(&mut self, o: &JobCounters) {
        let JobCounters {
            submitted,
            completed,
            failed,
            dropped,
            to_cloud,
            interrupted,
            started,
            started_after_queueing,
            wait_sum_s,
            time_in_system_sum_s,
        } = o;
        self.submitted += submitted;
        self.completed += completed;
        self.failed += failed;
        self.dropped += dropped;
        self.to_cloud += to_cloud;
        self.interrupted += interrupted;
        self.started += started;
        self.started_after_queueing += started_after_queueing;
        self.wait_sum_s += wait_sum_s;
        self.time_in_system_sum_s += time_in_system_sum_s;
    }
}

impl OrderCounters {
    fn absorb(&mut self, o: &OrderCounters) {
        let OrderCounters {
            leases,
            orders_cleared,
            bids,
            orders_expired,
            orders_not_lowest_price,
            providers_unlisted,
        } = o;
        self.leases += leases;
        self.orders_cleared += orders_cleared;
        self.bids += bids;
        self.orders_expired += orders_expired;
        self.orders_not_lowest_price += orders_not_lowest_price;
        self.providers_unlisted += providers_unlisted;
    }
}

impl MoneyCounters {
    fn absorb(&mut self, o: &MoneyCounters) {
        let MoneyCounters {
            consumer_spend_usd,
            provider_revenue_usd,
            fees_usd,
            burn_usd,
            token_payments_usd,
            start_fees_usd,
            cloud_spend_usd,
            cloud_equivalent_usd,
            spend_on_ended_usd,
        } = o;
        self.consumer_spend_usd += consumer_spend_usd;
        self.provider_revenue_usd += provider_revenue_usd;
        self.fees_usd += fees_usd;
        self.burn_usd += burn_usd;
        self.token_payments_usd += token_payments_usd;
        self.start_fees_usd += start_fees_usd;
        self.cloud_spend_usd += cloud_spend_usd;
        self.cloud_equivalent_usd += cloud_equivalent_usd;
        self.spend_on_ended_usd += spend_on_ended_usd;
    }
}

impl SupplyCounters {
    fn absorb(&mut self, o: &SupplyCounters) {
        let SupplyCounters {
            providers_entered,
            providers_exited,
        } = o;
        self.providers_entered += providers_entered;
        self.providers_exited += providers_exited;
    }
}

impl ClusterCounters {
    fn absorb(&mut self, o: &ClusterCounters) {
        let ClusterCounters {
            cluster_leases,
            cluster_hosts,
            cluster_efficiency_sum,
        } = o;
        self.cluster_leases += cluster_leases;
        self.cluster_hosts += cluster_hosts;
        self.cluster_efficiency_sum += cluster_efficiency_sum;
    }
}

impl WorkloadCounters {
    /// Adds `o`'s counts and sums to these.
    pub fn absorb(&mut self, o: &WorkloadCounters) {
        // Every field named: a new counter must be added here to compile.
        let WorkloadCounters {
            started,
            started_after_queueing,
            wait_sum_s,
            completed,
            spend_on_ended_usd,
            cloud_equivalent_usd,
            gpu_hours,
            spend_usd,
            cloud_fallback_gpu_hours,
            cloud_fallback_usd,
        } = o;
        self.gpu_hours += gpu_hours;
        self.spend_usd += spend_usd;
        self.cloud_fallback_gpu_hours += cloud_fallback_gpu_hours;
        self.cloud_fallback_usd += cloud_fallback_usd;
        self.started += started;
        self.started_after_queueing += started_after_queueing;
        self.wait_sum_s += wait_sum_s;
        self.completed += completed;
        self.spend_on_ended_usd += spend_on_ended_usd;
        self.cloud_equivalent_usd += cloud_equivalent_usd;
    }
}
