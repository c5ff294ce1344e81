using ILGPU;
using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Execution.Kernels.Cuda;

/// <summary>Four 32-bit words: one 16-byte global load, or eight bf16 values.</summary>
public struct U4
{
    /// <summary>Words in address order.</summary>
    public uint X, Y, Z, W;
}

/// <summary>Four f32 accumulators of one m16n8 tile fragment (rows g and g+8, columns 2·tig and 2·tig+1).</summary>
public struct Acc4
{
    /// <summary>c0, c1 (row g) and c2, c3 (row g+8), in the order mma.sync returns them.</summary>
    /// <remarks>Plain floats, so ILGPU keeps them in registers across the K loop; only the copies handed to the inline PTX pass through (forwardable) local slots.</remarks>
    public float C0, C1, C2, C3;
}

/// <summary>Inline PTX used by the tensor-core kernels: the matrix instruction and 16-byte loads.</summary>
/// <remarks>ILGPU has no bf16 type or mma intrinsic, so bf16 pairs travel as packed 32-bit words, which is what mma.sync's A and B registers hold anyway.</remarks>
public static class Ptx
{
    /// <summary>C += A·B for one m16n8k16 bf16 tile with f32 accumulation (A row-major, B column-major).</summary>
    public static void MmaBf16(ref Acc4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        Input<uint> ia0 = a0, ia1 = a1, ia2 = a2, ia3 = a3, ib0 = b0, ib1 = b1;
        Ref<float> d0 = c.C0, d1 = c.C1, d2 = c.C2, d3 = c.C3;
        CudaAsm.EmitRef(
            "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};",
            ref d0, ref d1, ref d2, ref d3, ref ia0, ref ia1, ref ia2, ref ia3, ref ib0, ref ib1);
        c.C0 = d0.Value; c.C1 = d1.Value; c.C2 = d2.Value; c.C3 = d3.Value;
    }

    /// <summary>One 16-byte read-only global load (ld.global.nc.v4), the widest a thread can issue.</summary>
    public static U4 Load16(ulong address)
    {
        Output<uint> x = default, y = default, z = default, w = default;
        Input<ulong> a = address;
        CudaAsm.EmitRef("ld.global.nc.v4.u32 {%0,%1,%2,%3}, [%4];", ref x, ref y, ref z, ref w, ref a);
        return new U4 { X = x.Value, Y = y.Value, Z = z.Value, W = w.Value };
    }

    /// <summary>16 bytes as two 8-byte read-only loads through the value form of Emit, whose result lands in a register.</summary>
    /// <remarks>Load16's EmitRef passes its four outputs through a local slot, and the store to that slot right after the load
    /// makes the thread wait for the data before it issues its next load (run 1 of pass 2: one LDL/STL per LDG.128 in v1's SASS),
    /// so only one load per thread was ever in flight. These loads stay in flight until first use.</remarks>
    public static U4 Load16Split(ulong address)
    {
        CudaAsm.Emit("ld.global.nc.u64 %0, [%1];", out ulong lo, address);
        CudaAsm.Emit("ld.global.nc.u64 %0, [%1+8];", out ulong hi, address);
        return new U4 { X = (uint)lo, Y = (uint)(lo >> 32), Z = (uint)hi, W = (uint)(hi >> 32) };
    }

    /// <summary>Shared-space address (32-bit) of the kernel's first shared allocation, ILGPU's <c>__shared_alloca0</c>.</summary>
    /// <remarks>ILGPU 1.5 cannot hand a shared view's address to inline PTX, so the kernel that uses this makes exactly one shared allocation; the PTX dump and the GPU check confirm the name.</remarks>
    public static uint FirstSharedAddress()
    {
        CudaAsm.Emit("mov.u32 %0, __shared_alloca0;", out uint address);
        return address;
    }

    /// <summary>cp.async of 16 bytes global → shared; <paramref name="sourceBytes"/> 0 fills zeros instead of reading.</summary>
    public static void CopyAsync16(uint sharedAddress, ulong globalAddress, uint sourceBytes)
    {
        // All inputs, no outputs: the value form of Emit, so no local-memory temporaries.
        CudaAsm.Emit("cp.async.cg.shared.global [%0], [%1], 16, %2;", sharedAddress, globalAddress, sourceBytes);
    }

    /// <summary>Closes the current group of cp.async copies.</summary>
    public static void CommitAsync() => CudaAsm.Emit("cp.async.commit_group;");

    /// <summary>ldmatrix.x4: four 8×8 bf16 matrices from shared memory, one row address per lane.</summary>
    public static U4 LoadMatrixX4(uint sharedAddress)
    {
        Output<uint> x = default, y = default, z = default, w = default;
        Input<uint> a = sharedAddress;
        CudaAsm.EmitRef("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];", ref x, ref y, ref z, ref w, ref a);
        return new U4 { X = x.Value, Y = y.Value, Z = z.Value, W = w.Value };
    }

    /// <summary>e^x through ex2.approx (about 2 ulp), the SFU path CUDA's __expf takes.</summary>
    public static float Exp(float x)
    {
        CudaAsm.Emit("ex2.approx.ftz.f32 %0, %1;", out float y, x * 1.4426950408889634f);
        return y;
    }

    /// <summary>The float of a bf16 held in the low 16 bits.</summary>
    public static float Lo(uint packed) => Interop.IntAsFloat(packed << 16);

    /// <summary>The float of a bf16 held in the high 16 bits.</summary>
    public static float Hi(uint packed) => Interop.IntAsFloat(packed & 0xFFFF0000u);

    /// <summary>Two floats rounded to bf16 (nearest even) and packed, <paramref name="low"/> first in memory.</summary>
    public static uint Pack(float low, float high) => RoundBf16(low) | (RoundBf16(high) << 16);

    private static uint RoundBf16(float value)
    {
        uint bits = Interop.FloatAsInt(value);
        return (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    }
}
