//! What a browser downloads to run the app, and its size as servers send it.

use std::io::Write;
use std::path::Path;

/// Compression levels a server would use for static files.
pub const GZIP_LEVEL: u32 = 9;
pub const BROTLI_QUALITY: i32 = 11;

/// Bytes of one kind of file of the built app: as stored, gzipped and brotli-compressed.
#[derive(Default)]
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl Sizes {
    pub fn of(bytes: &[u8]) -> Sizes {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
        gzip.write_all(bytes).expect("compressing in memory");
        let gzip = gzip.finish().expect("compressing in memory").len();
        let mut brotli = Vec::new();
        let quality = brotli::enc::BrotliEncoderParams { quality: BROTLI_QUALITY, ..Default::default() };
        brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &quality).expect("compressing in memory");
        Sizes { raw: bytes.len(), gzip, brotli: brotli.len() }
    }

    fn add(&mut self, other: &Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }

    pub fn describe(&self) -> String {
        format!("{} / {} / {}", kilobytes(self.raw), kilobytes(self.gzip), kilobytes(self.brotli))
    }
}

/// The files a browser downloads to run the app, by kind.
#[derive(Default)]
pub struct Bundle {
    pub wasm: Sizes,
    pub js: Sizes,
    pub css: Sizes,
}

impl Bundle {
    pub fn of(app: &Path) -> Bundle {
        let mut bundle = Bundle::default();
        for entry in std::fs::read_dir(app.join("assets")).expect("the built app's assets") {
            let path = entry.expect("a file of the built app").path();
            let kind = match path.extension().and_then(|extension| extension.to_str()) {
                Some("wasm") => &mut bundle.wasm,
                Some("js") => &mut bundle.js,
                Some("css") => &mut bundle.css,
                _ => continue,
            };
            kind.add(&Sizes::of(&std::fs::read(&path).expect("a file of the built app")));
        }
        bundle
    }

    pub fn total(&self) -> Sizes {
        let mut total = Sizes::default();
        for kind in [&self.wasm, &self.js, &self.css] {
            total.add(kind);
        }
        total
    }
}

fn kilobytes(bytes: usize) -> String {
    format!("{:.1} kB", bytes as f64 / 1000.0)
}
