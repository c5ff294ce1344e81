using ILGPU;
using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Kernels.Cuda;

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

    /// <summary>Shared-space address (32-bit) of the kernel's first shared allocation, ILGPU's <c>__shared_alloca0</c>.</summary>
    /// <remarks>ILGPU 1.5 cannot hand a shared view's address to inline PTX, so the kernel that uses this makes exactly one shared allocation; the PTX dump and the GPU check confirm the name.</remarks>
    public static uint FirstSharedAddress()
    {
        CudaAsm.Emit("mov.u32 %0, __shared_alloca0;", out uint address);
        return address;
    }

    /// <summary>ldmatrix.x4: four 8×8 bf16 matrices from shared memory, one row address per lane.</summary>
    /// <remarks>Its outputs pass through EmitRef slots that ptxas keeps in registers, unless the kernel also has a cp.async
    /// (any cp.async leaves every slot in local memory, checked with ptxas), which is why no kernel here uses cp.async.</remarks>
    public static U4 LoadMatrixX4(uint sharedAddress)
    {
        Output<uint> x = default, y = default, z = default, w = default;
        Input<uint> a = sharedAddress;
        CudaAsm.EmitRef("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];", ref x, ref y, ref z, ref w, ref a);
        return new U4 { X = x.Value, Y = y.Value, Z = z.Value, W = w.Value };
    }

    /// <summary>ldmatrix.x4.trans: the same four 8×8 matrices, each handed out transposed (lane l gets rows 2(l%4), 2(l%4)+1 of
    /// column l/4), which turns row-major [k][n] tiles into mma's column-major B fragments.</summary>
    public static U4 LoadMatrixX4Trans(uint sharedAddress)
    {
        Output<uint> x = default, y = default, z = default, w = default;
        Input<uint> a = sharedAddress;
        CudaAsm.EmitRef("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];", ref x, ref y, ref z, ref w, ref a);
        return new U4 { X = x.Value, Y = y.Value, Z = z.Value, W = w.Value };
    }

    /// <summary>2^x through ex2.approx.ftz (2^-inf = +0, which masked attention scores rely on).</summary>
    public static float Exp2(float x)
    {
        CudaAsm.Emit("ex2.approx.ftz.f32 %0, %1;", out float y, x);
        return y;
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
