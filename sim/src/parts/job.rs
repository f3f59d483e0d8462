//! Jobs in flight, kept in a slab whose slots are reused, so memory follows the number of
//! live jobs, not the length of the run.

use crate::base::time::{NEVER, SimTime, to_secs};
use crate::data::catalog::GpuId;
use crate::parts::provider::ProviderId;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Queued for capacity.
    Waiting,
    /// Its bids expired; the order will be posted again.
    Reposting,
    /// A provider's GPUs are reserved; the lease starts after the tenant's decision.
    Reserved,
    /// Running under a lease.
    Running,
    /// Slot unused.
    Free,
}

/// A live job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Bumped on every state change; events carrying an older value are stale.
    pub generation: u32,
    /// State.
    pub state: JobState,
    /// Sequential job number.
    pub id: u64,
    /// Workload index.
    pub workload: u16,
    /// GPUs needed.
    pub gpus: u16,
    /// The one GPU model the job accepts (a trace's model column); `None`: any of its
    /// workload's models.
    pub model: Option<GpuId>,
    /// Size per GPU on the reference GPU [s].
    pub size_ref_s: f64,
    /// Work still to do per GPU, in reference-GPU time [s].
    pub work_left_ref_s: f64,
    /// Submission time [µs].
    pub submitted: SimTime,
    /// When it joined the wait queue [µs].
    pub queued_at: SimTime,
    /// First lease start [µs]; NEVER if not yet.
    pub first_start: SimTime,
    /// Whether it had to queue for capacity.
    pub waited: bool,
    /// Provider of the current or last lease.
    pub provider: ProviderId,
    /// GPU model of the current or last lease.
    pub gpu: GpuId,
    /// Whether it was ever placed.
    pub placed: bool,
    /// Lease price [USD per GPU-hour].
    pub price_usd_per_gpu_hour: f64,
    /// Speed on the current GPU relative to the reference [ratio].
    pub speed: f64,
    /// Lease start [µs].
    pub lease_start: SimTime,
    /// Lease paid up to [µs].
    pub paid_until: SimTime,
    /// Interruptions so far.
    pub restarts: u32,
    /// Paid on the network [USD].
    pub spend_usd: f64,
    /// Paid on the cloud [USD].
    pub cloud_spend_usd: f64,
    /// Cloud cost of the whole job [USD].
    pub cloud_equivalent_usd: f64,
    /// Start fee of the current lease not yet paid (linear pricing) [USD].
    pub start_fee_due_usd: f64,
    /// Hosts of a multi-host cluster and the GPUs each gives, `(provider, gpus)`; empty
    /// when the job runs on `provider` alone. Its storage is kept when the slot is reused.
    pub parts: Vec<(ProviderId, u16)>,
}

impl Job {
    /// Marks a state change: events scheduled before it become stale. Returns the new
    /// generation, for the events scheduled after it.
    pub fn bump(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        self.generation
    }

    /// -> waiting in its workload's queue since `now` [µs]. Returns the generation.
    pub fn wait(&mut self, now: SimTime) -> u32 {
        self.state = JobState::Waiting;
        self.waited = true;
        self.queued_at = now;
        self.bump()
    }

    /// -> reposting: its bids expired, its hosts (none held) are forgotten.
    pub fn repost(&mut self) {
        self.state = JobState::Reposting;
        self.parts.clear();
    }

    /// -> reserved on `provider`'s `gpu` GPUs (and on `parts`, for a cluster) at
    /// `usd_per_gpu_hour` [USD per GPU-hour], owing `start_fee_usd` [USD] at its first
    /// settlement.
    pub fn reserve(
        &mut self,
        provider: ProviderId,
        gpu: GpuId,
        usd_per_gpu_hour: f64,
        start_fee_usd: f64,
    ) {
        self.state = JobState::Reserved;
        self.provider = provider;
        self.gpu = gpu;
        self.placed = true;
        self.price_usd_per_gpu_hour = usd_per_gpu_hour;
        self.start_fee_due_usd = start_fee_usd;
    }

    /// -> running under a lease from `now` [µs]. Returns whether this is its first start.
    pub fn start(&mut self, now: SimTime) -> bool {
        self.state = JobState::Running;
        self.lease_start = now;
        self.paid_until = now;
        let first = self.first_start == NEVER;
        if first {
            self.first_start = now;
        }
        first
    }

    /// Its lease was interrupted at `now` [µs]: the work done up to the last checkpoint
    /// (every `checkpoint_interval` µs of the lease; None: no checkpoints) is kept, the
    /// rest is lost; one more restart.
    pub fn interrupted(&mut self, now: SimTime, checkpoint_interval: Option<SimTime>) {
        let elapsed = now - self.lease_start;
        let saved = checkpoint_interval.map_or(0, |ci| elapsed / ci * ci);
        self.work_left_ref_s = (self.work_left_ref_s - to_secs(saved) * self.speed).max(0.0);
        self.restarts += 1;
    }

    /// Its work was not done (a cheater was caught): all of it is to do again.
    pub fn start_over(&mut self) {
        self.work_left_ref_s = self.size_ref_s;
        self.bump();
    }

    /// `(provider, gpus)` of every host the job is placed on.
    pub fn hosts(&self) -> impl Iterator<Item = (ProviderId, u16)> + '_ {
        let single = self.parts.is_empty().then_some((self.provider, self.gpus));
        single.into_iter().chain(self.parts.iter().copied())
    }
}

impl Job {
    fn blank() -> Job {
        Job {
            generation: 0,
            state: JobState::Free,
            id: 0,
            workload: 0,
            gpus: 0,
            model: None,
            size_ref_s: 0.0,
            work_left_ref_s: 0.0,
            submitted: 0,
            queued_at: 0,
            first_start: NEVER,
            waited: false,
            provider: 0,
            gpu: 0,
            placed: false,
            price_usd_per_gpu_hour: 0.0,
            speed: 1.0,
            lease_start: 0,
            paid_until: 0,
            restarts: 0,
            spend_usd: 0.0,
            cloud_spend_usd: 0.0,
            cloud_equivalent_usd: 0.0,
            start_fee_due_usd: 0.0,
            parts: Vec::new(),
        }
    }
}

/// Slab of live jobs.
#[derive(Debug, Default)]
pub struct JobSlab {
    jobs: Vec<Job>,
    free: Vec<u32>,
    live: usize,
}

impl JobSlab {
    /// Takes a slot for a new job, reset but keeping its generation counter.
    pub fn alloc(&mut self) -> u32 {
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            let old = &mut self.jobs[slot as usize];
            let generation = old.generation.wrapping_add(1);
            let mut parts = std::mem::take(&mut old.parts);
            parts.clear();
            *old = Job {
                generation,
                parts,
                ..Job::blank()
            };
            slot
        } else {
            self.jobs.push(Job::blank());
            (self.jobs.len() - 1) as u32
        }
    }

    /// Returns a slot; pending events for it become stale.
    pub fn release(&mut self, slot: u32) {
        let job = &mut self.jobs[slot as usize];
        job.state = JobState::Free;
        job.generation = job.generation.wrapping_add(1);
        self.free.push(slot);
        self.live -= 1;
    }

    /// The job in `slot`.
    pub fn get(&self, slot: u32) -> &Job {
        &self.jobs[slot as usize]
    }

    /// The job in `slot`, mutably.
    pub fn get_mut(&mut self, slot: u32) -> &mut Job {
        &mut self.jobs[slot as usize]
    }

    /// Asks the memory for `slot`'s record (a hint: see `base::prefetch`).
    #[inline(always)]
    pub fn prefetch(&self, slot: u32) {
        if let Some(job) = self.jobs.get(slot as usize) {
            crate::base::prefetch::prefetch(job);
        }
    }

    /// Whether `slot` holds a job of generation `generation`.
    pub fn is_current(&self, slot: u32, generation: u32) -> bool {
        let job = &self.jobs[slot as usize];
        job.generation == generation && job.state != JobState::Free
    }

    /// Slots, live or free (what the slab's records take: this times a `Job`'s size).
    pub fn slots(&self) -> usize {
        self.jobs.len()
    }

    /// Live jobs.
    pub fn live(&self) -> usize {
        self.live
    }

    /// Slots of all live jobs, in slot order.
    pub fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.state != JobState::Free)
            .map(|(i, _)| i as u32)
    }
}
