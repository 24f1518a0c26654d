//! Seeding the SCM emulator's data: rows drawn from the seeded RNG in one thread, the
//! certificates and CSRs they need signed on every core meanwhile.

use super::*;

impl Db {
    /// The instructions for the domain at `i` were shown now (starts the demo clock).
    pub fn note_instructed(&mut self, i: usize, now: i64) {
        if self.auto_publish.is_some() {
            let name = self.domains[i].name.clone();
            self.instructed.entry(name).or_insert(now);
        }
    }

    /// Whether the instructions for the domain at `i` were followed: published through the
    /// knob, or (demo) handed out long enough ago.
    pub fn dcv_followed(&mut self, i: usize, now: i64) -> bool {
        let name = self.domains[i].name.clone();
        if self.published.contains(&name) {
            return true;
        }
        let Some(delay) = self.auto_publish else {
            return false;
        };
        let since = *self.instructed.entry(name).or_insert(now);
        now >= since + delay.as_secs() as i64
    }

    /// Builds the seeded data: `ssl_count` SSL certificates around `now`.
    #[cfg(test)]
    pub(crate) fn seed(ca: &DemoCa, seed: u64, now: i64, ssl_count: usize) -> anyhow::Result<Db> {
        Db::seed_with(ca, seed, now, ssl_count, &AtomicBool::new(false))
    }

    /// Builds the seeded data: `ssl_count` SSL certificates around `now`, plus a quarter as
    /// many S/MIME and a fifth as many device certificates (see `family_counts`).
    ///
    /// The rows are drawn from the seeded RNG in one thread (so the data does not depend on
    /// the threads), which hands what the CA must sign to the signing threads (every core, at
    /// most 8) in chunks as it goes, then signs too. Stops early (with an error) when `cancel`
    /// is set.
    pub(crate) fn seed_with(
        ca: &DemoCa,
        seed: u64,
        now: i64,
        ssl_count: usize,
        cancel: &AtomicBool,
    ) -> anyhow::Result<Db> {
        let began = std::time::Instant::now();
        let keys = KeyPool::new()?;
        let (clients, devices) = family_counts(ssl_count);
        let total = ssl_count + clients + devices;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
            .min(total.div_ceil(SIGN_CHUNK).max(1));
        let (job_tx, job_rx) = mpsc::channel::<(usize, Vec<SeedJob>)>();
        let job_rx = Mutex::new(job_rx);
        let (done_tx, done_rx) = mpsc::channel::<anyhow::Result<(usize, Vec<Signed>)>>();
        // Signs chunks until the drawing is over and the queue is empty, or something fails.
        let worker = |done: mpsc::Sender<anyhow::Result<(usize, Vec<Signed>)>>| loop {
            let next = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
            let Ok((start, jobs)) = next else { return };
            let result = if cancel.load(Ordering::Relaxed) {
                Err(anyhow!("seeding was cancelled"))
            } else {
                jobs.iter()
                    .map(|j| sign_one(ca, &keys, j))
                    .collect::<anyhow::Result<Vec<_>>>()
                    .map(|signed| (start, signed))
            };
            let failed = result.is_err();
            if done.send(result).is_err() || failed {
                return;
            }
        };
        let drawn = std::thread::scope(|s| {
            for _ in 1..threads {
                let done = done_tx.clone();
                s.spawn(move || worker(done));
            }
            let mut sink = JobSink {
                tx: Some(job_tx),
                buf: Vec::with_capacity(SIGN_CHUNK),
                next: 0,
            };
            let drawn = Db::draw(seed, now, ssl_count, &keys, &mut sink, cancel);
            sink.finish();
            tracing::debug!(
                rows = total,
                threads,
                ms = began.elapsed().as_millis() as u64,
                "emulator seed: rows drawn"
            );
            worker(done_tx.clone());
            drawn
        });
        drop(done_tx);
        let (mut db, mut rows, mut fam, mut client_rows, mut device_rows) = drawn?;
        let mut chunks = Vec::new();
        for r in done_rx {
            chunks.push(r?);
        }
        chunks.sort_by_key(|(start, _)| *start);
        // Results come back in row order: SSL, then S/MIME, then device rows.
        let mut signed = chunks.into_iter().flat_map(|(_, c)| c);
        let mut fill =
            |key_type: &mut KeyType, cert: &mut Option<IssuedCert>, csr: &mut Option<CsrData>| {
                match signed.next() {
                    Some(Signed::Leaf(x)) => {
                        *key_type = x.key_type.clone();
                        *cert = Some(x);
                    }
                    Some(Signed::Csr(c, kt)) => {
                        *key_type = kt;
                        *csr = Some(c);
                    }
                    None => {}
                }
            };
        for c in rows.iter_mut() {
            fill(&mut c.key_type, &mut c.cert, &mut c.csr);
        }
        for c in client_rows.iter_mut().chain(device_rows.iter_mut()) {
            fill(&mut c.key_type, &mut c.cert, &mut c.csr);
        }
        let left_over = signed.next().is_some();
        let missing = rows.iter().any(|c| c.cert.is_none() && c.csr.is_none())
            || client_rows
                .iter()
                .chain(device_rows.iter())
                .any(|c| c.cert.is_none() && c.csr.is_none());
        if left_over || missing {
            bail!("seeding signed a different number of rows than it drew ({total})");
        }
        db.keys = keys;
        db.ssl = IdTable::from_rows(rows);
        fam.client = IdTable::from_rows(client_rows);
        fam.device = IdTable::from_rows(device_rows);
        db.fam = fam;
        tracing::debug!(
            rows = total,
            ms = began.elapsed().as_millis() as u64,
            "emulator seed: rows signed"
        );
        Ok(db)
    }

    /// Draws every seeded row (SSL, then S/MIME, then device, as the seed always did) and
    /// sends what the CA must sign for each to `sink`, in row order. The rows come back
    /// without certificates or CSRs; the Db comes back without key pool.
    #[allow(clippy::type_complexity)]
    fn draw(
        seed: u64,
        now: i64,
        ssl_count: usize,
        keys: &KeyPool,
        sink: &mut JobSink,
        cancel: &AtomicBool,
    ) -> anyhow::Result<(
        Db,
        Vec<SslCert>,
        super::super::family::Families,
        Vec<super::super::family::OtherCert>,
        Vec<super::super::family::OtherCert>,
    )> {
        let mut db = Db {
            orgs: orgs(),
            profiles: ssl_profiles(),
            custom_fields: ssl_custom_fields(),
            ssl: IdTable::default(),
            next_ssl_id: 1001,
            next_order: 7_340_001,
            rng: StdRng::seed_from_u64(seed),
            keys: KeyPool::default(),
            domains: seed_domains(now),
            next_domain_id: 2101,
            published: Default::default(),
            auto_publish: None,
            instructed: Default::default(),
            issue_delay: std::time::Duration::from_secs(3),
            auto_approve: false,
            fam: super::super::family::Families {
                client: IdTable::default(),
                device: IdTable::default(),
                client_profiles: Vec::new(),
                device_profiles: Vec::new(),
                next_id: 1,
            },
        };
        let mut rows = Vec::with_capacity(ssl_count);
        for i in 0..ssl_count {
            if i % 4096 == 0 && cancel.load(Ordering::Relaxed) {
                bail!("seeding was cancelled");
            }
            // The first rows cover every status, so even a small data set shows them all.
            let forced = SEED_STATUS_CYCLE.get(i).copied();
            let (c, job) = db.seed_one_ssl(keys, now, forced);
            rows.push(c);
            sink.push(job);
        }
        let (clients, devices) = family_counts(ssl_count);
        let (fam, client_rows, device_rows) =
            super::super::family::seed(&mut db.rng, keys, &db.orgs, now, clients, devices, sink);
        Ok((db, rows, fam, client_rows, device_rows))
    }

    pub(crate) fn alloc_ssl_id(&mut self) -> (i64, i64) {
        let id = self.next_ssl_id;
        self.next_ssl_id += 1;
        let order = self.next_order;
        self.next_order += self.rng.random_range(1..40);
        (id, order)
    }

    pub(crate) fn org(&self, id: i64) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.id == id || o.departments.iter().any(|(d, _)| *d == id))
    }

    pub(crate) fn profile(&self, id: i64) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// One seeded SSL row (all random draws) and what the CA must sign for it.
    fn seed_one_ssl(
        &mut self,
        keys: &KeyPool,
        now: i64,
        forced: Option<SslStatus>,
    ) -> (SslCert, SeedJob) {
        let (id, order) = self.alloc_ssl_id();
        let rng = &mut self.rng;
        let org_idx = rng.random_range(0..self.orgs.len());
        let org = &self.orgs[org_idx];
        let org_id = if !org.departments.is_empty() && rng.random_bool(0.3) {
            org.departments[rng.random_range(0..org.departments.len())].0
        } else {
            org.id
        };
        let profile = weighted(rng, &[(0usize, 55), (1, 15), (2, 15), (3, 10), (4, 5)]);
        let profile = &self.profiles[profile];
        let term = *profile.terms.choose(rng).unwrap_or(&365);

        // Names.
        let (cn, mut sans) = match profile.shape {
            ProfileShape::Wildcard => {
                let cn = if rng.random_bool(0.7) {
                    format!("*.{}", org.domain)
                } else {
                    let zone = ZONES.choose(rng).copied().unwrap_or("eu");
                    format!("*.{zone}.{}", org.domain)
                };
                let mut sans = vec![cn.clone()];
                if rng.random_bool(0.5) {
                    sans.push(cn.trim_start_matches("*.").to_string());
                }
                (cn, sans)
            }
            ProfileShape::Single => {
                let cn = if profile.ev && rng.random_bool(0.6) {
                    format!("www.{}", org.domain)
                } else {
                    host_name(rng, org.domain)
                };
                let mut sans = vec![cn.clone()];
                if cn.starts_with("www.") && rng.random_bool(0.7) {
                    sans.push(cn.trim_start_matches("www.").to_string());
                } else if rng.random_bool(0.15) {
                    sans.push(host_name(rng, org.domain));
                }
                (cn, sans)
            }
            ProfileShape::MultiDomain => {
                let cn = host_name(rng, org.domain);
                let mut sans = vec![cn.clone()];
                for _ in 0..rng.random_range(1..=3) {
                    sans.push(host_name(rng, org.domain));
                }
                (cn, sans)
            }
        };
        // Drop repeated names (at most five, so a scan beats a set).
        let mut unique: Vec<String> = Vec::with_capacity(sans.len());
        for s in sans.drain(..) {
            if !unique.contains(&s) {
                unique.push(s);
            }
        }
        let sans = unique;

        let status = weighted(
            rng,
            &[
                (SslStatus::Issued, 740),
                (SslStatus::Expired, 80),
                (SslStatus::Revoked, 40),
                (SslStatus::Requested, 70),
                (SslStatus::Approved, 20),
                (SslStatus::Applied, 15),
                (SslStatus::Declined, 35),
            ],
        );
        let status = forced.unwrap_or(status);
        let person = PEOPLE.choose(rng).copied().unwrap_or("j.kim");
        let person_idx = PEOPLE.iter().position(|p| *p == person).unwrap_or(0) as i64;
        let requester = format!("{person}@{}", org.domain);
        let requested_via = weighted(
            rng,
            &[
                ("Enrollment Form", 30),
                ("Web API", 25),
                ("Client Admin", 20),
                ("ACME", 12),
                ("REST API", 8),
                ("Imported", 3),
                ("Discovery", 2),
            ],
        );
        let admin = ADMINS.choose(rng).copied().unwrap_or(ADMINS[0]);
        let mut custom_fields = vec![(
            "Cost Center".to_string(),
            format!("CC-{}", 1000 + rng.random_range(0..100)),
        )];
        if rng.random_bool(0.6) {
            let app = APPLICATIONS
                .choose(rng)
                .copied()
                .unwrap_or("Public website");
            custom_fields.push(("Application".to_string(), app.to_string()));
        }
        if rng.random_bool(0.3) {
            custom_fields.push((
                "Change Ticket".to_string(),
                format!("CHG{:07}", rng.random_range(10_000..99_999)),
            ));
        }
        let comments = if rng.random_bool(0.35) {
            COMMENTS.choose(rng).map(|s| s.to_string())
        } else {
            None
        };
        let external_requester = if rng.random_bool(0.15) {
            Some(format!("ops-team@{}", org.domain))
        } else {
            None
        };
        let auto_renew = if rng.random_bool(0.2) {
            ("Scheduled", Some(30))
        } else {
            ("Not scheduled", None)
        };
        let renew_id = random_token(rng);
        let key_index = keys.pick(rng);
        let serial = random_serial(rng);
        let jitter = rng.random_range(0..DAY);

        let mut c = SslCert {
            id,
            common_name: cn.clone(),
            sans: sans.clone(),
            status,
            org_id,
            profile_id: profile.id,
            term,
            order_number: order,
            backend_cert_id: order.to_string(),
            owner: None,
            requester,
            requester_id: Some(200 + person_idx),
            requested_via,
            external_requester,
            comments,
            requested: now,
            approved: None,
            issued: None,
            declined: None,
            expires: None,
            revoked: None,
            replaced: None,
            reason_code: None,
            renewed: false,
            renewed_date: None,
            key_type: Cow::Borrowed(""),
            custom_fields,
            cert: None,
            csr: None,
            renew_id,
            suspend_notifications: false,
            auto_renew,
            dcv_mode: None,
            dcv_email: None,
            key_index: Some(key_index),
            pending_since: None,
            dcv_last_check: None,
        };

        if status.has_certificate() {
            let (issued, expires) = match status {
                SslStatus::Expired => {
                    let expires = now - rng.random_range(1..=400) * DAY - jitter;
                    (expires - term * DAY, expires)
                }
                SslStatus::Revoked => {
                    let issued = now - rng.random_range(10..=term) * DAY - jitter;
                    (issued, issued + term * DAY)
                }
                _ => {
                    // Issued: a tenth expire within 30 days.
                    let days_left = if rng.random_bool(0.1) {
                        rng.random_range(1..=30)
                    } else {
                        rng.random_range(1..=term)
                    };
                    let expires = now + days_left * DAY - jitter;
                    (expires - term * DAY, expires)
                }
            };
            let requested = issued - rng.random_range(600..3 * DAY);
            c.requested = requested;
            c.approved = Some(requested + rng.random_range(60..(issued - requested).max(61)));
            c.issued = Some(issued);
            c.expires = Some(expires);
            c.owner = Some((admin.0.to_string(), admin.1));
            if status == SslStatus::Revoked {
                let span = (now - issued).max(2);
                c.revoked = Some(issued + rng.random_range(1..span));
                c.reason_code = Some(*[0i64, 1, 3, 4, 5].choose(rng).unwrap_or(&4));
            }
            if status == SslStatus::Expired && rng.random_bool(0.5) {
                c.renewed = true;
                c.renewed_date = Some(expires - rng.random_range(1..30) * DAY);
            }
            let job = SeedJob::Leaf {
                req: LeafRequest {
                    common_name: cn,
                    sans,
                    not_before: issued,
                    not_after: expires,
                    serial,
                    org: SubjectOrg {
                        organization: Some(org.name.to_string()),
                        locality: Some(org.city.to_string()),
                        state: Some(org.state.to_string()),
                        country: Some(org.country.to_string()),
                    },
                    kind: LeafKind::Server,
                },
                key: key_index,
            };
            (c, job)
        } else {
            c.requested = now - rng.random_range(600..30 * DAY);
            match status {
                SslStatus::Approved | SslStatus::Applied => {
                    c.approved = Some(c.requested + rng.random_range(60..DAY));
                    c.owner = Some((admin.0.to_string(), admin.1));
                }
                SslStatus::Declined => {
                    c.declined = Some(c.requested + rng.random_range(60..DAY));
                    c.owner = Some((admin.0.to_string(), admin.1));
                }
                _ => {}
            }
            c.dcv_mode = Some("CNAME".to_string());
            let job = SeedJob::Csr {
                cn,
                sans,
                key: key_index,
            };
            (c, job)
        }
    }
}

/// How many S/MIME and device certificates go with `ssl_count` SSL certificates.
pub(crate) fn family_counts(ssl_count: usize) -> (usize, usize) {
    if ssl_count == 0 {
        (0, 0)
    } else {
        ((ssl_count / 4).max(12), (ssl_count / 5).max(12))
    }
}
