//! `flopmarket-calibrate`: measures the CPU and (with the `cuda` feature) the first
//! NVIDIA GPU and writes the calibration table as CSV. No Polars, no CUDA link-time
//! dependency: the binary runs on any x86-64 glibc host and dlopens CUDA if present.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use flopmarket_kernels::{CalibrateOptions, DeviceChoice, ShapeChoice, run_calibration, write_csv};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DeviceArg {
    Auto,
    Cpu,
    Cuda,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShapeArg {
    Tiny,
    #[value(name = "7b-layer")]
    SevenBLayer,
    #[value(name = "7b")]
    SevenB,
}

/// Measure GEMM, copy and transformer throughput and write a calibration CSV.
#[derive(Debug, Parser)]
#[command(name = "flopmarket-calibrate", version)]
struct Args {
    /// Device to measure: auto = the CPU plus the first CUDA GPU if usable.
    #[arg(long, value_enum, default_value = "auto")]
    device: DeviceArg,
    /// Small sizes and few repetitions (seconds).
    #[arg(long)]
    quick: bool,
    /// Output CSV file.
    #[arg(long, default_value = "calibration.csv")]
    out: PathBuf,
    /// Transformer shape (default: 7b on a GPU, 7b-layer on the CPU; smaller with --quick).
    #[arg(long, value_enum)]
    shape: Option<ShapeArg>,
    /// No progress lines on stderr.
    #[arg(long)]
    quiet: bool,
    /// Decode batch sizes, comma-separated (default: CPU 1,2,4,..,64; CUDA 1,2,4,..,256).
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..=4096))]
    batches: Option<Vec<u32>>,
    /// CUDA: also time the decode steps replayed from one CUDA graph (not yet run on a GPU).
    #[arg(long)]
    decode_graph: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = CalibrateOptions {
        device: match args.device {
            DeviceArg::Auto => DeviceChoice::Auto,
            DeviceArg::Cpu => DeviceChoice::Cpu,
            DeviceArg::Cuda => DeviceChoice::Cuda,
        },
        quick: args.quick,
        shape: args.shape.map(|s| match s {
            ShapeArg::Tiny => ShapeChoice::Tiny,
            ShapeArg::SevenBLayer => ShapeChoice::SevenBLayer,
            ShapeArg::SevenB => ShapeChoice::SevenB,
        }),
        progress: !args.quiet,
        batches: args
            .batches
            .map(|b| b.into_iter().map(|x| x as usize).collect()),
        decode_graph: args.decode_graph,
    };
    let report = match run_calibration(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("flopmarket-calibrate: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.quiet {
        for line in &report.messages {
            eprintln!("{line}");
        }
    }
    if let Err(e) = write_csv(&report.rows, &args.out) {
        eprintln!("flopmarket-calibrate: {e}");
        return ExitCode::FAILURE;
    }
    println!("wrote {} rows to {}", report.rows.len(), args.out.display());
    ExitCode::SUCCESS
}
