# Measures board power of one GPU at rest, spinning (clocks up, almost no work), streaming a copy
# and running a bf16 GEMM, to give the roofline energy model its idle watts, pJ/byte and pJ/FLOP.
# Run on the GPU machine: python3 scripts/probes/power_probe.py
import ctypes, time, torch
nvml = ctypes.CDLL("libnvidia-ml.so.1"); nvml.nvmlInit_v2()
handle = ctypes.c_void_p(); nvml.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(handle))

def energy_mj():
    mj = ctypes.c_ulonglong(); nvml.nvmlDeviceGetTotalEnergyConsumption(handle, ctypes.byref(mj))
    return float(mj.value)

def measure(name, body, seconds=6.0):
    body(); torch.cuda.synchronize()
    e0 = energy_mj(); t0 = time.time(); n = 0
    while time.time() - t0 < seconds:
        body(); n += 1
        if n % 20 == 0: torch.cuda.synchronize()
    torch.cuda.synchronize()
    t1 = time.time(); e1 = energy_mj()
    watts = (e1 - e0) / 1000.0 / (t1 - t0)
    print(f"{name}: {watts:.1f} W over {t1-t0:.1f} s, {n} calls, {(t1-t0)/n*1e6:.1f} us/call", flush=True)
    return watts, (t1 - t0) / n

print(torch.cuda.get_device_name(), flush=True)
time.sleep(2)
rest_e0 = energy_mj(); time.sleep(5); rest = (energy_mj() - rest_e0) / 1000.0 / 5
print(f"rest: {rest:.1f} W", flush=True)
spin, _ = measure("spin (torch.cuda._sleep)", lambda: torch.cuda._sleep(1_000_000))
n = 1 << 30
a = torch.empty(n, dtype=torch.uint8, device="cuda"); b = torch.empty_like(a)
copy_w, copy_s = measure("copy 1 GiB", lambda: b.copy_(a))
copy_bps = 2 * n / copy_s
print(f"  copy rate {copy_bps/1e12:.3f} TB/s; (P-spin)/rate = {(copy_w-spin)/copy_bps*1e12:.1f} pJ/byte", flush=True)
m = 8192
x = torch.randn(m, m, dtype=torch.bfloat16, device="cuda"); y = torch.randn_like(x)
gemm_w, gemm_s = measure("bf16 GEMM 8192^3", lambda: x @ y)
fps = 2 * m**3 / gemm_s
print(f"  gemm rate {fps/1e12:.1f} TF/s; (P-spin)/rate = {(gemm_w-spin)/fps*1e12:.3f} pJ/FLOP (includes its own DRAM/L2 traffic)", flush=True)
