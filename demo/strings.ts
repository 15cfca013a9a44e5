/**
 * The demo's own texts (the kit's elements bring theirs through the kit's i18n layer). One table
 * per language; every language has every key (the type checks it).
 */

const en = {
  brand: 'co-guest-kit',
  tagline: 'Guest connection demo',
  language: 'Language',
  themeSystem: 'Theme: system',
  themeLight: 'Theme: light',
  themeDark: 'Theme: dark',
  landingTitle: 'Go live together',
  landingLead:
    'Start a live as its host, or join one from its link. Viewers ask for a seat, the host accepts or invites them, and everyone sees the same stage with real video.',
  profileTitle: 'You',
  nameLabel: 'Your name',
  namePlaceholder: 'Ada',
  avatarLabel: 'Avatar URL (optional)',
  avatarHint: 'An http(s) image address; leave it empty to show your initials.',
  hostTitle: 'Start a live',
  hostLead: 'You are the host: you accept requests, invite viewers and manage the seats.',
  liveNameLabel: 'Live title',
  liveNamePlaceholder: 'Friday show',
  /** The title of a live started without one; `{name}` is the host's name. */
  defaultLiveName: "{name}'s live",
  startLive: 'Start live',
  joinTitle: 'Join a live',
  joinLead: 'Paste the link the host shared, or the live ID.',
  joinLabel: 'Live link or ID',
  joinPlaceholder: 'https://… or live-abc123',
  joinLive: 'Join',
  errorName: 'Enter your name.',
  errorAvatar: 'The avatar must be an http:// or https:// address.',
  errorLive: 'Enter the link or the ID of a live.',
  errorLiveInvalid: 'That is not a live link or ID.',
  invitedTo: 'You are invited to a live',
  liveId: 'Live ID',
  /** Under the live's title on the landing page of its link; `{name}` is the host's name. */
  hostedBy: 'Hosted by {name}',
  liveMissing: 'This live has not started, or it has ended.',
  shareTitle: 'Invite viewers',
  shareLabel: 'Link to this live',
  copyLink: 'Copy link',
  copied: 'Link copied.',
  copyFailed: 'Could not copy: select the link and copy it.',
  liveBadge: 'LIVE',
  youAreHost: 'Host',
  youAreViewer: 'Viewer',
  youAreGuest: 'Guest',
  endLive: 'End live',
  endConfirmTitle: 'End this live for everyone?',
  endConfirmText: 'Every guest and viewer leaves it, and it cannot be started again.',
  keepLive: 'Keep the live',
  leaveLive: 'Leave live',
  requestsTitle: 'Requests to join',
  viewersTitle: 'Viewers',
  viewerTitle: 'On stage',
  viewerLead:
    'Ask the host for a seat. Once you are on a seat, your camera and microphone go to everyone in the live.',
  devicesTitle: 'Your camera and microphone',
  backToStart: 'Back to start',
  /** The host's check before the live starts. */
  prejoinHostTitle: 'Check your camera and microphone',
  prejoinHostLead: 'This is what everyone will see and hear once you go live.',
  goLive: 'Go live',
  /** A viewer's check before taking a seat (asking for one, or accepting an invitation). */
  prejoinSeatTitle: 'Before you take a seat',
  prejoinSeatLead: 'Everyone in the live sees and hears you once you are on a seat.',
  prejoinApply: 'Request to join',
  prejoinAccept: 'Accept and join',
  /** A checkbox in the viewer's check: later requests use the same devices without asking. */
  prejoinRemember: 'Use these settings for the rest of this session without asking again',
  devNote: 'Dev mode: the server gives a token to anyone. For local use only.',
} as const;

/** The demo's texts, one string per key. */
export type DemoStrings = { readonly [K in keyof typeof en]: string };

const zhCN: DemoStrings = {
  brand: 'co-guest-kit',
  tagline: '连麦演示',
  language: '语言',
  themeSystem: '主题：跟随系统',
  themeLight: '主题：浅色',
  themeDark: '主题：深色',
  landingTitle: '一起直播',
  landingLead:
    '以主播身份开播，或通过链接加入直播。观众申请上麦，主播同意或邀请，所有人看到同一个舞台和真实的视频。',
  profileTitle: '我',
  nameLabel: '你的名字',
  namePlaceholder: '小明',
  avatarLabel: '头像地址（可选）',
  avatarHint: 'http(s) 图片地址；留空则显示名字首字。',
  hostTitle: '开始直播',
  hostLead: '你是主播：处理上麦申请、邀请观众、管理麦位。',
  liveNameLabel: '直播标题',
  liveNamePlaceholder: '周五晚间秀',
  defaultLiveName: '{name}的直播',
  startLive: '开播',
  joinTitle: '加入直播',
  joinLead: '粘贴主播分享的链接，或输入直播 ID。',
  joinLabel: '直播链接或 ID',
  joinPlaceholder: 'https://… 或 live-abc123',
  joinLive: '加入',
  errorName: '请输入名字。',
  errorAvatar: '头像必须是 http:// 或 https:// 地址。',
  errorLive: '请输入直播链接或 ID。',
  errorLiveInvalid: '这不是有效的直播链接或 ID。',
  invitedTo: '你被邀请观看直播',
  liveId: '直播 ID',
  hostedBy: '主播：{name}',
  liveMissing: '该直播尚未开始，或已结束。',
  shareTitle: '邀请观众',
  shareLabel: '本场直播的链接',
  copyLink: '复制链接',
  copied: '链接已复制。',
  copyFailed: '复制失败：请选中链接后手动复制。',
  liveBadge: '直播中',
  youAreHost: '主播',
  youAreViewer: '观众',
  youAreGuest: '嘉宾',
  endLive: '结束直播',
  endConfirmTitle: '要为所有人结束这场直播吗？',
  endConfirmText: '所有连麦嘉宾和观众都会离开，直播无法再次开始。',
  keepLive: '继续直播',
  leaveLive: '离开直播',
  requestsTitle: '上麦申请',
  viewersTitle: '观众',
  viewerTitle: '上麦',
  viewerLead: '向主播申请麦位。上麦后，你的摄像头和麦克风会推送给直播间的所有人。',
  devicesTitle: '你的摄像头和麦克风',
  backToStart: '返回首页',
  prejoinHostTitle: '检查摄像头和麦克风',
  prejoinHostLead: '开播后，所有人看到和听到的就是这样。',
  goLive: '开始直播',
  prejoinSeatTitle: '上麦前检查',
  prejoinSeatLead: '上麦后，直播间里的所有人都会看到和听到你。',
  prejoinApply: '申请上麦',
  prejoinAccept: '接受并上麦',
  prejoinRemember: '本次会话中沿用这些设置，不再询问',
  devNote: '开发模式：服务器为任何人签发令牌，仅供本地使用。',
};

const ko: DemoStrings = {
  brand: 'co-guest-kit',
  tagline: '게스트 연결 데모',
  language: '언어',
  themeSystem: '테마: 시스템',
  themeLight: '테마: 라이트',
  themeDark: '테마: 다크',
  landingTitle: '함께 라이브',
  landingLead:
    '호스트로 라이브를 시작하거나 링크로 참여하세요. 시청자는 자리를 신청하고, 호스트는 수락하거나 초대하며, 모두가 실제 영상과 함께 같은 무대를 봅니다.',
  profileTitle: '나',
  nameLabel: '이름',
  namePlaceholder: '하나',
  avatarLabel: '아바타 URL (선택)',
  avatarHint: 'http(s) 이미지 주소입니다. 비워 두면 이니셜이 표시됩니다.',
  hostTitle: '라이브 시작',
  hostLead: '호스트는 신청을 수락하고, 시청자를 초대하고, 자리를 관리합니다.',
  liveNameLabel: '라이브 제목',
  liveNamePlaceholder: '금요일 쇼',
  defaultLiveName: '{name}의 라이브',
  startLive: '라이브 시작',
  joinTitle: '라이브 참여',
  joinLead: '호스트가 공유한 링크나 라이브 ID를 붙여 넣으세요.',
  joinLabel: '라이브 링크 또는 ID',
  joinPlaceholder: 'https://… 또는 live-abc123',
  joinLive: '참여',
  errorName: '이름을 입력하세요.',
  errorAvatar: '아바타는 http:// 또는 https:// 주소여야 합니다.',
  errorLive: '라이브 링크나 ID를 입력하세요.',
  errorLiveInvalid: '올바른 라이브 링크나 ID가 아닙니다.',
  invitedTo: '라이브에 초대되었습니다',
  liveId: '라이브 ID',
  hostedBy: '호스트: {name}',
  liveMissing: '이 라이브는 아직 시작되지 않았거나 이미 종료되었습니다.',
  shareTitle: '시청자 초대',
  shareLabel: '이 라이브의 링크',
  copyLink: '링크 복사',
  copied: '링크를 복사했습니다.',
  copyFailed: '복사하지 못했습니다. 링크를 선택해 복사하세요.',
  liveBadge: 'LIVE',
  youAreHost: '호스트',
  youAreViewer: '시청자',
  youAreGuest: '게스트',
  endLive: '라이브 종료',
  endConfirmTitle: '모두에게 이 라이브를 종료할까요?',
  endConfirmText: '모든 게스트와 시청자가 나가며, 라이브를 다시 시작할 수 없습니다.',
  keepLive: '라이브 계속하기',
  leaveLive: '라이브 나가기',
  requestsTitle: '참여 신청',
  viewersTitle: '시청자',
  viewerTitle: '무대에 오르기',
  viewerLead: '호스트에게 자리를 신청하세요. 자리에 앉으면 카메라와 마이크가 라이브의 모두에게 전달됩니다.',
  devicesTitle: '내 카메라와 마이크',
  backToStart: '처음으로',
  prejoinHostTitle: '카메라와 마이크 확인',
  prejoinHostLead: '라이브를 시작하면 모두가 이렇게 보고 듣게 됩니다.',
  goLive: '라이브 시작',
  prejoinSeatTitle: '자리에 앉기 전에',
  prejoinSeatLead: '자리에 앉으면 라이브의 모든 사람이 나를 보고 듣게 됩니다.',
  prejoinApply: '참여 요청',
  prejoinAccept: '수락하고 참여',
  prejoinRemember: '이 세션 동안 이 설정을 계속 사용하고 다시 묻지 않기',
  devNote: '개발 모드: 서버가 누구에게나 토큰을 발급합니다. 로컬에서만 사용하세요.',
};

/** The languages of the demo, in the kit's codes, with their own names. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
  { code: 'ko', name: '한국어' },
] as const;

export type DemoLocale = (typeof LANGUAGES)[number]['code'];

const TABLES: Readonly<Record<DemoLocale, DemoStrings>> = { en, 'zh-CN': zhCN, ko };

/** The texts of `locale`. */
export function stringsFor(locale: DemoLocale): DemoStrings {
  return TABLES[locale];
}

/** The demo language closest to a browser language tag (`zh-Hans-CN` → `zh-CN`), else English. */
export function matchLocale(tag: string): DemoLocale {
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('ko')) return 'ko';
  return 'en';
}

/** Whether `value` is one of the demo's languages. */
export function isDemoLocale(value: string): value is DemoLocale {
  return LANGUAGES.some((language) => language.code === value);
}
